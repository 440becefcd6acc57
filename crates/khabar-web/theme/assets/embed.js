// khabar's discussion on another site (docs/embed.md). The host page has
//   <div id="khabar-thread" data-url="…" data-title="…" data-lang="ar"></div>
//   <script src="https://news.example/embed.js" async></script>
// This puts the thread's iframe in the div and sizes it to its content,
// as the iframe tells (postMessage, from khabar's origin only).
(function () {
  "use strict";
  var script = document.currentScript;
  var holder = document.getElementById("khabar-thread");
  if (!script || !holder || holder.querySelector("iframe")) return;
  var khabar = new URL(script.src).origin;
  var canonical = document.querySelector("link[rel=canonical]");
  var url = holder.getAttribute("data-url") || (canonical && canonical.href) || location.href;
  var title = holder.getAttribute("data-title") || document.title;
  // The attribute, else the page's language; khabar falls back to its own
  // default for a language it does not have.
  var lang = (holder.getAttribute("data-lang") || document.documentElement.lang || "-")
    .split("-")[0].toLowerCase() || "-";
  var frame = document.createElement("iframe");
  frame.src = khabar + "/embed/" + encodeURIComponent(lang) + "/thread?url=" +
    encodeURIComponent(url) + "&title=" + encodeURIComponent(title);
  frame.title = title;
  frame.setAttribute("scrolling", "no");
  frame.style.cssText = "display:block;inline-size:100%;block-size:24rem;border:0;overflow:hidden";
  holder.appendChild(frame);
  window.addEventListener("message", function (event) {
    if (event.origin !== khabar || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "khabar:height") return;
    var height = Number(data.height);
    if (height > 0 && height < 100000) frame.style.blockSize = Math.ceil(height) + "px";
  });
})();
