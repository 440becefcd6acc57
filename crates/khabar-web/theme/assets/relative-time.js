// Times as people say them: "5 minutes ago", "قبل ٥ دقائق", "yesterday".
// The words come from the browser's CLDR data (Intl.RelativeTimeFormat) in
// the page's language; the server writes the full date, which stays in
// `title` and `datetime`, and is what readers without JavaScript see. Done
// here rather than on the server so that cached pages stay the same bytes
// for everyone.
(function () {
  "use strict";
  if (!window.Intl || !Intl.RelativeTimeFormat) return;
  var root = document.documentElement;
  // The server writes Latin digits unless the site's locale asks for others
  // (ar-u-nu-arab); browsers default Arabic to Arabic-Indic ones.
  var locale = root.getAttribute("data-locale") || root.lang;
  if (locale.indexOf("-u-") < 0) locale += "-u-nu-latn";
  var format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  var steps = [["second", 60], ["minute", 60], ["hour", 24], ["day", 7]];

  function phrase(at) {
    var amount = (at - Date.now()) / 1000;
    if (amount > 60) return null; // a clock ahead of the server's: keep the date
    for (var i = 0; i < steps.length; i++) {
      if (Math.abs(amount) < steps[i][1]) {
        // Under a minute reads "now" rather than a count of seconds.
        if (steps[i][0] === "second") return format.format(0, "second");
        return format.format(Math.round(amount), steps[i][0]);
      }
      amount /= steps[i][1];
    }
    return null; // a week or more: the date says more
  }

  function refresh(scope) {
    var times = (scope || document).querySelectorAll("time[data-relative]");
    for (var i = 0; i < times.length; i++) {
      var time = times[i];
      var at = Date.parse(time.getAttribute("datetime"));
      if (isNaN(at)) continue;
      if (!time.title) time.title = time.textContent;
      var words = phrase(at);
      time.textContent = words || time.title;
    }
  }

  refresh();
  setInterval(refresh, 30000);
  // Comments that arrive live carry their own times.
  new MutationObserver(function (changes) {
    for (var i = 0; i < changes.length; i++) {
      for (var j = 0; j < changes[i].addedNodes.length; j++) {
        var node = changes[i].addedNodes[j];
        if (node.nodeType === 1) refresh(node);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
})();
