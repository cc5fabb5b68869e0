// Keep an applications list current while it is open: every few seconds ask the list's fragment
// URL (same filters and page) whether anything changed, and swap the list in when it did. The
// server answers 204 when the version the page shows is still current. Without this script the
// page's 刷新 link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("applications");
  if (!box || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(box.getAttribute("data-poll-seconds") || "15", 10);
  var busy = false;

  function inUse(list) {
    // Never swap the list under a finger: a focused button or a form being sent.
    var active = document.activeElement;
    return active && active !== document.body && list.contains(active) && active.tagName !== "A";
  }

  function refresh() {
    var list = document.getElementById("applications");
    if (busy || document.hidden || !list || inUse(list)) { return; }
    var url = list.getAttribute("data-rows-url");
    var joiner = url.indexOf("?") === -1 ? "?" : "&";
    busy = true;
    fetch(url + joiner + "version=" + encodeURIComponent(list.getAttribute("data-version") || ""), {
      credentials: "same-origin",
      headers: { Accept: "text/html" }
    })
      .then(function (response) { return response.status === 200 ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("applications");
        var current = document.getElementById("applications");
        if (fresh && current && !inUse(current)) { current.replaceWith(document.importNode(fresh, true)); }
      })
      .catch(function () { /* a weak connection at the fair: keep the list shown */ })
      .then(function () { busy = false; });
  }
  window.setInterval(refresh, seconds * 1000);
})();
