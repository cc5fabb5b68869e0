// Refresh the live metrics of a fair while it is running, without reloading the page.
// The container carries data-live-url; each metric card carries data-testid="metric-<name>".
(function () {
  "use strict";
  var box = document.querySelector("[data-live-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-live-url");
  var seconds = parseInt(box.getAttribute("data-live-seconds") || "30", 10);

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        Object.keys(data.metrics).forEach(function (name) {
          var card = box.querySelector('[data-testid="metric-' + name.replace(/_/g, "-") + '"] .metric-value');
          if (card) { card.textContent = data.metrics[name]; }
        });
      })
      .catch(function () { /* offline at the fair ground: keep the last numbers */ });
  }
  window.setInterval(refresh, seconds * 1000);
})();
