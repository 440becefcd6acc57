// The sign-in popup's last page (docs/embed.md): hands the token to the
// discussion's iframe that opened it. The target origin is this site's
// own: the iframe is served from here, and no other window may read it.
(function () {
  "use strict";
  var page = document.getElementById("embed-signed-in");
  if (!page || !window.opener) return;
  window.opener.postMessage({
    type: "khabar:token",
    token: page.getAttribute("data-token"),
    name: page.getAttribute("data-name"),
    username: page.getAttribute("data-username"),
    expires: Number(page.getAttribute("data-expires"))
  }, location.origin);
  window.close();
})();
