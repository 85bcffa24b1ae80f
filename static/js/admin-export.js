// The export page's "select all" box, wired here instead of in an inline onchange attribute (refused by the CSP).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll(".select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", onSelectToggleChange); // defined by django-import-export's own script
  });
});
