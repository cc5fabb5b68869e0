// Ask before irreversible actions: a form with data-confirm="…" asks first, and says so to the
// server (confirm=1). Without this script the server asks on a page of its own instead, so an
// early click can never act unconfirmed.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (!question) {
      return;
    }
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.querySelector("input[name=confirm]")) {
      var yes = document.createElement("input");
      yes.type = "hidden";
      yes.name = "confirm";
      yes.value = "1";
      form.appendChild(yes);
    }
  });
})();
