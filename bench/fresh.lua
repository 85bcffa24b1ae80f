-- wrk: a calculator link never asked before on every request. The path template (first argument) may hold
-- {cost} (yuan), {date} (YYYY-MM-DD), {count} (1-30) and {count2} (0-30); the second argument is a seed, so
-- that every round of the benchmark asks new links.
local threads_made = 0
local template, seed, counter = "/", 0, 0

function setup(thread)
  thread:set("thread_number", threads_made)
  threads_made = threads_made + 1
end

function init(args)
  template = args[1]
  seed = tonumber(args[2]) or 0
end

function request()
  counter = counter + 1
  local n = seed + thread_number * 150 + counter
  local path = template
  path = string.gsub(path, "{cost}", tostring(1000 + seed * 10 + thread_number * 100000 + counter))
  path = string.gsub(path, "{date}", os.date("!%Y-%m-%d", 1735689600 + (n % 600) * 86400))
  path = string.gsub(path, "{count2}", tostring(math.floor(n / 30) % 31))
  path = string.gsub(path, "{count}", tostring(1 + n % 30))
  return wrk.format(nil, path)
end
