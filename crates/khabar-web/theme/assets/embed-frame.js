// The discussion inside a host page's iframe (docs/embed.md): tells the
// host its height, signs the reader in through a first-party popup, and
// acts through the JSON API with the popup's token: posts and replies,
// likes, reports, edits and deletes the reader's own comments, shows the
// reader's unread notifications, and loads more comments in place. No
// cookie of this site reaches a third-party iframe, so the token (kept in
// memory and in this tab's partitioned sessionStorage) is the only
// credential; without cookies there is nothing for another site to forge
// (no CSRF). New, edited and removed comments arrive through live.js, as
// on an article page; the API's refusals are shown in the thread's
// language by their codes.
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

  var messages = {};
  try {
    messages = JSON.parse(section.getAttribute("data-messages"));
  } catch (e) { messages = {}; }
  var list = section.querySelector(".comment-list");

  // --- More comments: the next page of this thread, appended in place ---

  // A comment already shown (arrived live, say) is not shown twice.
  function append(items) {
    items.forEach(function (item) {
      var comment = item.querySelector("article.comment");
      var shown = comment && document.getElementById(comment.id);
      if (shown) {
        var thread = shown.closest("li.comment-thread");
        if (thread) thread.replaceWith(document.importNode(item, true));
        return;
      }
      list.appendChild(document.importNode(item, true));
    });
  }
  section.addEventListener("click", function (event) {
    var more = event.target.closest && event.target.closest("a[data-more]");
    if (!more) return;
    event.preventDefault();
    var note = section.querySelector("[data-more-error]");
    note.hidden = true;
    fetch(more.getAttribute("href"), { credentials: "omit" })
      .then(function (answer) {
        if (!answer.ok) throw new Error(String(answer.status));
        return answer.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        append(Array.prototype.slice.call(page.querySelectorAll(".comment-list > li")));
        var next = page.querySelector("a[data-more]");
        if (next) more.setAttribute("href", next.getAttribute("href"));
        else more.parentNode.remove();
      })
      .catch(function () {
        note.textContent = messages.network || "";
        note.hidden = false;
      })
      .then(tell);
  });

  // --- Signing in -------------------------------------------------------

  var KEY = "khabar-embed-token";
  var edition = section.getAttribute("data-edition");
  var signedOut = section.querySelector("[data-signed-out]");
  var bar = section.querySelector("[data-signed-in-bar]");
  var reader = bar.querySelector("[data-reader]");
  var bell = bar.querySelector("[data-bell]");
  var expired = signedOut.querySelector("[data-expired]");
  // Absent when the thread is closed: reading, liking and reporting go on.
  var form = section.querySelector("form[data-signed-in]");
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
  function signedIn() {
    return !!(current && current.token && current.expires > Date.now());
  }

  // One call of the API with the reader's token: the answer's JSON (null
  // for none), or a refusal worded in the thread's language. A token
  // refused (expired, revoked) signs the reader out.
  function call(method, path, body) {
    if (!signedIn()) {
      signOutLocally(true);
      return Promise.reject(new Error(messages.invalid_token || ""));
    }
    var headers = { Accept: "application/json", Authorization: "Bearer " + current.token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch("/api/v1" + path, {
      method: method,
      credentials: "omit",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (answer) {
      if (answer.status === 401) {
        signOutLocally(true);
        throw new Error(messages.invalid_token || "");
      }
      var read = answer.status === 204 ? Promise.resolve(null)
        : answer.json().catch(function () { return null; });
      return read.then(function (json) {
        if (answer.ok) return json;
        var code = json && json.error && json.error.code;
        throw new Error(messages[code] || messages.other || String(answer.status));
      });
    }, function () {
      throw new Error(messages.network || "");
    });
  }

  function show() {
    var on = signedIn();
    signedOut.hidden = on;
    bar.hidden = !on;
    if (form) form.hidden = !on;
    reader.textContent = on ? current.name : "";
    if (on) expired.hidden = true;
    offerTools();
    refreshBell();
    tell();
  }
  function signOutLocally(ranOut) {
    keep(null);
    expired.hidden = !ranOut;
    show();
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
    keep({
      token: data.token,
      name: String(data.name || ""),
      username: String(data.username || ""),
      expires: Number(data.expires) || 0
    });
    popup = null;
    show();
    if (form) form.querySelector("textarea").focus();
  });
  // Signing out revokes the token (a token may always revoke itself).
  bar.querySelector("[data-sign-out]").addEventListener("click", function () {
    var token = current && current.token;
    signOutLocally(false);
    if (!token) return;
    fetch("/api/v1/auth/signout", {
      method: "POST",
      credentials: "omit",
      headers: { Authorization: "Bearer " + token }
    }).catch(function () { /* it expires anyway */ });
  });

  // --- The bell: replies and mentions wait on the notifications page ---

  // In the digits the site's pages use for this language.
  function number(n) {
    try {
      return new Intl.NumberFormat(section.getAttribute("data-locale") || undefined).format(n);
    } catch (e) { return String(n); }
  }
  var bellTimer = null;
  var bellAgain = null;
  function refreshBell() {
    clearTimeout(bellTimer);
    if (!signedIn()) { bell.hidden = true; return; }
    bellTimer = setTimeout(function () {
      call("GET", "/notifications").then(function (body) {
        var unread = (body && body.unread) || 0;
        var label = bell.getAttribute("data-label");
        bell.textContent = unread ? label + " (" + number(unread) + ")" : label;
        bell.classList.toggle("unread", unread > 0);
        bell.hidden = false;
        tell();
      }).catch(function () { /* the bell waits for the next change */ });
    }, 300);
  }
  // Replies to this reader mostly arrive in this thread; others while
  // the page stays open.
  setInterval(function () { if (!document.hidden) refreshBell(); }, 120000);

  // --- What a signed-in reader may do with each comment -----------------

  var tools = document.querySelector("template[data-tools]");
  var editMinutes = Number(section.getAttribute("data-edit-minutes")) || 0;
  var liked = {};

  function idOf(comment) { return Number(comment.id.replace("comment-", "")); }
  function isMine(comment) {
    return !!(current && current.username &&
      comment.getAttribute("data-author") === current.username);
  }
  function stillEditable(comment) {
    var time = comment.querySelector("time[datetime]");
    var written = time ? Date.parse(time.getAttribute("datetime")) : NaN;
    return !isNaN(written) && Date.now() <= written + editMinutes * 60000;
  }

  // Each comment (those arriving live and on later pages too) gets the
  // buttons that fit it: any may be liked, one's own edited and deleted,
  // others' reported. Buttons that already fit stay: changing nothing
  // when nothing changed ends the observer's round.
  function offerTools() {
    var on = signedIn();
    Array.prototype.forEach.call(list.querySelectorAll("article.comment"), function (comment) {
      var old = comment.querySelector(".embed-tools");
      var shown = on && !!comment.querySelector(".comment-meta");
      var id = idOf(comment);
      var mine = isMine(comment);
      var editable = mine && !!form && stillEditable(comment);
      var state = [mine, editable, !!liked[id]].join(" ");
      if (old && shown && old.getAttribute("data-state") === state) return;
      if (old) old.remove();
      if (!shown) return;
      var set = tools.content.firstElementChild.cloneNode(true);
      set.setAttribute("data-state", state);
      set.querySelector("[data-edit]").hidden = !editable;
      set.querySelector("[data-delete]").hidden = !mine;
      set.querySelector("[data-report]").hidden = mine;
      set.querySelector("[data-like]").setAttribute("aria-pressed", liked[id] ? "true" : "false");
      var reply = set.querySelector("[data-reply]");
      if (reply) reply.hidden = !form;
      var actions = comment.querySelector(".comment-actions") || comment;
      actions.appendChild(set);
    });
  }
  new MutationObserver(function (changes) {
    offerTools();
    // A comment came or went (not only buttons): it may be a reply to
    // this reader.
    var comments = changes.some(function (change) {
      return Array.prototype.some.call(change.addedNodes, function (node) {
        return node.nodeType === 1 && !node.classList.contains("embed-tools");
      });
    });
    if (!comments) return;
    refreshBell();
    // A notification is written a moment after its comment (it follows
    // the events log): look again once it surely is.
    clearTimeout(bellAgain);
    bellAgain = setTimeout(refreshBell, 4000);
  }).observe(list, { childList: true, subtree: true });

  function note(comment, message) {
    var old = comment.querySelector(".embed-note");
    if (old) old.remove();
    if (!message) return;
    var line = document.createElement("p");
    line.className = "form-error embed-note";
    line.setAttribute("role", "alert");
    line.textContent = message;
    comment.appendChild(line);
    tell();
  }

  // A small form (edit, report) under a comment, from its template.
  function openForm(comment, name, prepare, send) {
    var open = comment.querySelector("form.embed-edit, form.embed-report");
    if (open) open.remove();
    var made = document.querySelector("template[data-" + name + "]").content
      .firstElementChild.cloneNode(true);
    var error = made.querySelector("[data-error]");
    made.querySelector("[data-cancel]").addEventListener("click", function () {
      made.remove();
      comment.classList.remove("embed-editing");
      tell();
    });
    made.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = made.querySelector("button[type=submit]");
      button.disabled = true;
      error.hidden = true;
      send(made).catch(function (failure) {
        error.textContent = failure.message;
        error.hidden = false;
      }).then(function () { button.disabled = false; tell(); });
    });
    prepare(made);
    comment.appendChild(made);
    tell();
    var first = made.querySelector("textarea, select");
    if (first) first.focus();
  }

  function edit(comment) {
    var id = idOf(comment);
    // The body as written (Markdown), not as shown.
    call("GET", "/comments/" + id).then(function (found) {
      openForm(comment, "edit-form", function (made) {
        made.querySelector("textarea").value = found.body;
        comment.classList.add("embed-editing");
      }, function (made) {
        return call("PATCH", "/comments/" + id, { body: made.querySelector("textarea").value })
          .then(function (answer) {
            var body = comment.querySelector(".comment-body");
            body.innerHTML = answer.html;
            body.setAttribute("dir", answer.dir);
            comment.classList.remove("embed-editing");
            if (answer.held_for_moderation) {
              made.querySelector("[data-held]").hidden = false;
              made.querySelector("textarea").hidden = true;
              made.querySelector("button[type=submit]").hidden = true;
            } else {
              made.remove();
            }
          });
      });
    }).catch(function (failure) { note(comment, failure.message); });
  }

  function report(comment) {
    var id = idOf(comment);
    openForm(comment, "report-form", function () {}, function (made) {
      return call("POST", "/comments/" + id + "/reports", {
        reason: made.querySelector("select").value,
        note: made.querySelector("textarea").value
      }).then(function () {
        var thanks = document.querySelector("template[data-reported]").content
          .firstElementChild.cloneNode(true);
        made.replaceWith(thanks);
      });
    });
  }

  function like(comment, button) {
    var id = idOf(comment);
    var wanted = button.getAttribute("aria-pressed") !== "true";
    button.disabled = true;
    call("PUT", "/comments/" + id + "/reaction", { like: wanted }).then(function (answer) {
      liked[id] = answer.liked;
      note(comment, null);
      offerTools();
    }).catch(function (failure) { note(comment, failure.message); })
      .then(function () { button.disabled = false; });
  }

  function remove(comment, button) {
    button.disabled = true;
    // The placeholder arrives through the live stream, as everywhere.
    call("DELETE", "/comments/" + idOf(comment)).then(function () {
      var set = comment.querySelector(".embed-tools");
      if (set) set.remove();
      comment.classList.add("embed-deleting");
    }).catch(function (failure) {
      button.disabled = false;
      note(comment, failure.message);
    });
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".embed-tools button");
    if (!button) return;
    var comment = button.closest("article.comment");
    if (button.hasAttribute("data-reply")) replyTo(comment);
    else if (button.hasAttribute("data-like")) like(comment, button);
    else if (button.hasAttribute("data-edit")) edit(comment);
    else if (button.hasAttribute("data-delete")) remove(comment, button);
    else if (button.hasAttribute("data-report")) report(comment);
  });

  // --- Posting and replying ----------------------------------------------

  function replyTo(comment) {
    if (!form) return;
    var parent = form.querySelector("input[name=parent]");
    parent.value = comment ? idOf(comment) : "";
    var author = comment && comment.querySelector(".comment-meta bdi");
    form.querySelector("[data-replying-to]").textContent = author ? author.textContent : "";
    form.querySelector("[data-replying]").hidden = !comment;
    tell();
    if (comment) form.querySelector("textarea").focus();
  }

  if (form) {
    var errorNote = form.querySelector("[data-error]");
    var held = form.querySelector("[data-held]");
    var box = form.querySelector("textarea");
    var button = form.querySelector("button[type=submit]");
    var parent = form.querySelector("input[name=parent]");
    form.querySelector("[data-reply-cancel]").addEventListener("click", function () { replyTo(null); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      errorNote.hidden = true;
      held.hidden = true;
      call("POST", "/editions/" + edition + "/comments", {
        body: box.value,
        parent_id: Number(parent.value) || null
      }).then(function (body) {
        box.value = "";
        replyTo(null);
        held.hidden = !body.held_for_moderation;
      }).catch(function (failure) {
        if (!signedIn()) return;
        errorNote.textContent = failure.message;
        errorNote.hidden = false;
      }).then(function () { button.disabled = false; tell(); });
    });
  }
  show();
})();
