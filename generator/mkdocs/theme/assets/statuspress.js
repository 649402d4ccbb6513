/* Optional niceties: relative "last updated" time, the moment a sheet was printed, and what only
   the reader's clock can tell: that this page has grown old (its rebuilds may have stopped), and
   that a promised update is overdue. Without JavaScript the page shows what was true when built. */
(function () {
  var lang = document.documentElement.lang;
  var now = Date.now();
  var rtf = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;
  function ago(minutes) {
    return Math.abs(minutes) < 60 ? rtf.format(minutes, "minute")
      : Math.abs(minutes) < 2880 ? rtf.format(Math.round(minutes / 60), "hour")
      : rtf.format(Math.round(minutes / 1440), "day");
  }
  var since = document.querySelector("[data-sp-since]");
  if (since && rtf) {
    since.textContent = "(" + ago(Math.round((Date.parse(since.getAttribute("data-sp-since")) - now) / 60000)) + ")";
  }
  var stale = document.querySelector("[data-sp-generated]");
  if (stale && rtf) {
    var age = Math.round((now - Date.parse(stale.getAttribute("data-sp-generated"))) / 60000);
    if (age > Number(stale.getAttribute("data-sp-stale-after"))) {
      var slot = stale.querySelector(".sp-stale__ago");
      if (slot) slot.textContent = ago(-age);
      stale.hidden = false;
    }
  }
  var due = document.querySelectorAll("[data-sp-due]");
  for (var i = 0; i < due.length; i++) {
    if (Date.parse(due[i].getAttribute("data-sp-due")) <= now) {
      due[i].classList.add("sp-next-update--late");
      due[i].querySelector(".sp-next-update__due").hidden = true;
      due[i].querySelector(".sp-next-update__late").hidden = false;
    }
  }
  var printed = document.querySelector("[data-sp-printed]");
  if (printed) {
    window.addEventListener("beforeprint", function () {
      printed.textContent = printed.getAttribute("data-sp-printed") + " " +
        new Date().toLocaleString(lang, { dateStyle: "full", timeStyle: "short" });
    });
  }
})();
