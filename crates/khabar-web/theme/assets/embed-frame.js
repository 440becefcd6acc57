// The discussion inside a host page's iframe (docs/embed.md): tells the
// host its height, signs the reader in through a first-party popup, and
// posts comments through the JSON API with the popup's token. No cookie
// of this site reaches a third-party iframe, so the token (kept in memory
// and in this tab's partitioned sessionStorage) is the only credential;
// without cookies there is nothing for another site to forge (no CSRF).
// New comments arrive through live.js, as on an article page.
(function () {
  "use strict";
  var section = document.querySelector("[data-host-origins]");
  if (!section) return;
  var allowed = section.getAttribute("data-host-origins").split(" ");

  // The embedding page's origin, as the browser reports it, and only if
  // it may embed: the height goes there and nowhere else.
  var host = null;
  if (location.ancestorOrigins && location.ancestorOrigins.length) {
    host = location.ancestorOrigins[location.ancestorOrigins.length - 1];
  } else if (document.referrer) {
    try { host = new URL(document.referrer).origin; } catch (e) { host = null; }
  }
  if (allowed.indexOf(host) < 0) host = null;

  function tell() {
    if (!host || window.parent === window) return;
    window.parent.postMessage({
      type: "khabar:height",
      height: document.documentElement.scrollHeight
    }, host);
  }
  if (window.ResizeObserver) new ResizeObserver(tell).observe(document.body);
  window.addEventListener("load", tell);
  tell();

  var form = section.querySelector("form[data-signed-in]");
  if (!form) return;  // a closed thread
  var KEY = "khabar-embed-token";
  var edition = section.getAttribute("data-edition");
  var signedOut = section.querySelector("[data-signed-out]");
  var reader = form.querySelector("[data-reader]");
  var errorNote = form.querySelector("[data-error]");
  var held = form.querySelector("[data-held]");
  var box = form.querySelector("textarea");
  var button = form.querySelector("button[type=submit]");
  var popup = null;

  function stored() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }
  var current = stored();
  function keep(value) {
    current = value;
    try {
      if (value) sessionStorage.setItem(KEY, JSON.stringify(value));
      else sessionStorage.removeItem(KEY);
    } catch (e) { /* memory only */ }
  }
  // Replies: each comment gets a Reply button while the reader is signed
  // in (those arriving live too); it points the form at that comment.
  var parent = form.querySelector("input[name=parent]");
  var replying = form.querySelector("[data-replying]");
  var list = section.querySelector(".comment-list");
  function replyTo(comment) {
    parent.value = comment ? comment.id.replace("comment-", "") : "";
    var author = comment && comment.querySelector(".comment-meta bdi");
    form.querySelector("[data-replying-to]").textContent = author ? author.textContent : "";
    replying.hidden = !comment;
    tell();
    if (comment) box.focus();
  }
  function offerReplies() {
    var on = !form.hidden;
    Array.prototype.forEach.call(list.querySelectorAll("article.comment"), function (comment) {
      var button = comment.querySelector("button[data-reply]");
      if (!on || !comment.querySelector(".comment-meta")) {
        if (button) button.remove();
        return;
      }
      if (button) return;
      button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.setAttribute("data-reply", "");
      button.textContent = section.getAttribute("data-reply-label");
      var actions = comment.querySelector(".comment-actions") || comment;
      actions.appendChild(button);
    });
  }
  list.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-reply]");
    if (button) replyTo(button.closest("article.comment"));
  });
  form.querySelector("[data-reply-cancel]").addEventListener("click", function () { replyTo(null); });
  new MutationObserver(offerReplies).observe(list, { childList: true, subtree: true });

  function show() {
    var on = !!(current && current.token && current.expires > Date.now());
    signedOut.hidden = on;
    form.hidden = !on;
    reader.textContent = on ? current.name : "";
    offerReplies();
    tell();
  }
  function fail(message) {
    errorNote.textContent = message;
    errorNote.hidden = false;
  }

  section.querySelector("[data-sign-in]").addEventListener("click", function () {
    popup = window.open(section.getAttribute("data-sign-in-url"), "khabar-sign-in",
      "popup,width=520,height=680");
    section.querySelector("[data-popup-blocked]").hidden = !!popup;
    tell();
  });
  window.addEventListener("message", function (event) {
    // Only the popup this frame opened, on this site's own origin.
    if (event.origin !== location.origin || !popup || event.source !== popup) return;
    var data = event.data;
    if (!data || data.type !== "khabar:token" || typeof data.token !== "string") return;
    keep({ token: data.token, name: String(data.name || ""), expires: Number(data.expires) || 0 });
    popup = null;
    show();
    box.focus();
  });
  // Signing out revokes the token (a token may always revoke itself).
  form.querySelector("[data-sign-out]").addEventListener("click", function () {
    var token = current && current.token;
    keep(null);
    show();
    if (!token) return;
    fetch("/api/v1/auth/signout", {
      method: "POST",
      credentials: "omit",
      headers: { Authorization: "Bearer " + token }
    }).catch(function () { /* it expires anyway */ });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) { show(); return; }
    button.disabled = true;
    errorNote.hidden = true;
    held.hidden = true;
    fetch("/api/v1/editions/" + edition + "/comments", {
      method: "POST",
      credentials: "omit",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        Authorization: "Bearer " + current.token
      },
      body: JSON.stringify({ body: box.value, parent_id: Number(parent.value) || null })
    }).then(function (answer) {
      if (answer.status === 401) { keep(null); show(); return; }
      return answer.json().then(function (body) {
        if (!answer.ok) {
          fail((body.error && body.error.message) || String(answer.status));
          return;
        }
        box.value = "";
        replyTo(null);
        held.hidden = !body.held_for_moderation;
      });
    }).catch(function (error) { fail(String(error)); })
      .then(function () { button.disabled = false; tell(); });
  });
  show();
})();
