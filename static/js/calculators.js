// Progressive enhancement for the calculators: copy the share link, print the answer.
// Everything here is optional: without JavaScript the link is in the address bar and the
// page prints with the print stylesheet.
(function () {
  "use strict";

  function setUp(root) {
    root.querySelectorAll("[data-copy-link]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = root.querySelector("[data-share-link]") || document.querySelector("[data-share-link]");
        var status = document.querySelector("[data-copy-status]");
        // The server's link keeps only the calculator's own parameters; the address bar may hold more.
        var url = field && field.value ? field.value : window.location.href;
        var done = function () { if (status) { status.textContent = button.dataset.copied || status.dataset.copied || ""; } };
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

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.body.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
})();
