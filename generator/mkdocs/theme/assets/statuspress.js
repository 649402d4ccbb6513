/* Optional niceties: relative "last updated" time, and the moment a sheet was printed. */
(function () {
  var lang = document.documentElement.lang;
  var since = document.querySelector("[data-sp-since]");
  if (since && window.Intl && Intl.RelativeTimeFormat) {
    var minutes = Math.round((Date.parse(since.getAttribute("data-sp-since")) - Date.now()) / 60000);
    var rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    var text = Math.abs(minutes) < 60 ? rtf.format(minutes, "minute")
      : Math.abs(minutes) < 2880 ? rtf.format(Math.round(minutes / 60), "hour")
      : rtf.format(Math.round(minutes / 1440), "day");
    since.textContent = "(" + text + ")";
  }
  var printed = document.querySelector("[data-sp-printed]");
  if (printed) {
    window.addEventListener("beforeprint", function () {
      printed.textContent = printed.getAttribute("data-sp-printed") + " " +
        new Date().toLocaleString(lang, { dateStyle: "full", timeStyle: "short" });
    });
  }
})();
