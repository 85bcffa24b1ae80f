// Progressive enhancement for the calculators: copy the share link, print the answer, tell the server which
// questions the page shows, and move focus to the error summary when an answer is sent with mistakes.
// Everything here is optional: without JavaScript the form is sent as a plain GET, the link is in the
// address bar, and the page prints with the print stylesheet.
(function () {
  "use strict";

  // The same signature as the server's form.shape_signature(): field names, sorted, with the options of
  // each list. The server sends the form again only when it differs, so typing is never overwritten.
  function formShape(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.name === "as_of" || element.type === "submit") { return; }
      var part = element.name;
      if (element.tagName === "SELECT") {
        part += ":" + Array.prototype.map.call(element.options, function (option) { return option.value; }).join("|");
      }
      parts.push(part);
    });
    return parts.sort().join(";");
  }

  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // Leaving a field after typing sends the same answer once more (its "change" event), and the swap would
  // wipe the "copied" status that a click on the button had just shown: it is shown again while the link
  // on screen is still the one copied.
  var copiedLink = null;

  function showCopied(status) {
    if (status) { status.textContent = status.dataset.copied || ""; }
  }

  function setUp(root) {
    var shown = document.querySelector("[data-share-link]");
    if (copiedLink && shown && shown.value === copiedLink) { showCopied(document.querySelector("[data-copy-status]")); }
    root.querySelectorAll("[data-copy-link]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = root.querySelector("[data-share-link]") || document.querySelector("[data-share-link]");
        // The server's link holds every answer that applies and nothing else; the address bar may hold more.
        var url = field && field.value ? field.value : window.location.href;
        // Looked up again when the copy is done: the answer may have been swapped in the meantime.
        var done = function () { copiedLink = url; showCopied(document.querySelector("[data-copy-status]")); };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(url).then(done, function () { field.select(); document.execCommand("copy"); done(); });
        } else if (field) {
          field.select();
          document.execCommand("copy");
          done();
        }
      });
    });
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // A shared link may leave answers out (they take their defaults, today's date among them): the address
  // bar gets the full link of the answer on screen, the same as the share block's.
  function showShareLink() {
    var field = document.querySelector("[data-share-link]");
    if (field && field.value && field.value !== window.location.href && window.history.replaceState) {
      window.history.replaceState(null, "", field.value);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
    showShareLink();
    focusErrors();
  });
  document.body.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("[data-calculator-form]") : null;
    if (form) { event.detail.headers["X-Calculator-Form"] = formShape(form); }
  });
  // Leaving a field after typing fires "change" for answers the "input" trigger has already sent: the same
  // answers are not asked again (a submit always is), so nothing on screen is re-rendered for nothing.
  var lastAsked = null;
  function answersOf(form) { return new URLSearchParams(new FormData(form)).toString(); }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-calculator-form]");
    if (form && document.querySelector("[data-share-link]")) { lastAsked = answersOf(form); }
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("[data-calculator-form]") : null;
    if (!form) { return; }
    var asked = answersOf(form);
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (asked === lastAsked && !(trigger && trigger.type === "submit")) { event.preventDefault(); return; }
    lastAsked = asked;
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) { lastAsked = null; }  // failed or aborted: the next ask is sent again
  });
  document.body.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (trigger && trigger.type === "submit") { focusErrors(); }
  });
})();
