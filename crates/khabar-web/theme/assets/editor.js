// The story editor, livelier: a Markdown toolbar with keyboard shortcuts,
// a preview rendered by the public page's own template as you type, drafts saved by themselves, Ctrl+S / ⌘S to save,
// unsaved text kept on this device until the server has it, and image
// uploads. Every change goes through the JSON API with the session's CSRF
// token; without this file the editor's forms post as they are.
(function () {
  "use strict";
  var root = document.querySelector(".desk-editor");
  if (!root) return;
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var storyId = root.getAttribute("data-story");
  var deskLang = root.getAttribute("data-desk-lang");
  var statusLine = root.querySelector(".editor-status");
  var AUTOSAVE_MS = 2000;
  var PREVIEW_MS = 400;

  function msg(name) { return root.getAttribute("data-msg-" + name) || name; }

  function say(text, kind) {
    statusLine.hidden = !text;
    statusLine.textContent = text || "";
    statusLine.className = "editor-status" + (kind ? " editor-status-" + kind : "");
  }

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (answer) {
      return answer.json().catch(function () { return {}; }).then(function (json) {
        return { status: answer.status, ok: answer.ok, json: json };
      });
    });
  }

  var TEXT_FIELDS = ["slug", "headline", "standfirst", "body", "dateline", "hero_caption", "hero_credit"];

  function Edition(element) {
    this.element = element;
    this.id = element.getAttribute("data-edition");
    this.lang = element.getAttribute("data-lang");
    this.status = element.getAttribute("data-status");
    this.form = element.querySelector(".edition-form");
    this.revision = parseInt(element.getAttribute("data-revision"), 10);
    this.state = element.querySelector("[data-save-state]");
    this.preview = element.querySelector(".preview");
    this.frame = element.querySelector(".preview-frame");
    this.slugHint = element.querySelector("[data-slug-hint]");
    // "Saving brings this edition up to date with the others": ticked by
    // the server when it is behind, and here when a sibling is saved.
    this.syncBox = this.form.elements.synced || null;
    this.dirty = false;
    this.conflicted = false;
    this.saving = null;
    this.autosaveTimer = null;
    this.previewTimer = null;
    this.storageKey = "khabar:edition:" + this.id;
  }

  Edition.prototype.fields = function () {
    var out = {};
    var form = this.form;
    TEXT_FIELDS.forEach(function (name) {
      var input = form.elements[name];
      out[name] = input ? input.value : "";
    });
    out.comment_mode = form.elements.comment_mode ? form.elements.comment_mode.value : "open";
    return out;
  };

  Edition.prototype.authorIds = function () {
    return Array.prototype.slice
      .call(this.form.querySelectorAll('input[name="author_id"]:checked'))
      .map(function (box) { return parseInt(box.value, 10); });
  };

  Edition.prototype.show = function (text, kind) {
    this.state.textContent = text;
    this.state.setAttribute("data-kind", kind || "");
  };

  // Every keystroke is kept on this device first: closing the tab, a
  // crash or a lost connection loses nothing already typed.
  Edition.prototype.keepLocally = function () {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify({
        revision: this.revision,
        fields: this.fields(),
        author_ids: this.authorIds(),
        at: Date.now()
      }));
    } catch (e) { /* storage full or refused: the server copy still counts */ }
  };

  Edition.prototype.forgetLocal = function () {
    try { localStorage.removeItem(this.storageKey); } catch (e) { /* nothing kept */ }
  };

  Edition.prototype.changed = function () {
    this.dirty = true;
    this.keepLocally();
    this.schedulePreview();
    var self = this;
    clearTimeout(this.autosaveTimer);
    // Drafts save themselves; a live edition changes only when asked, so
    // half a sentence never reaches readers.
    if (this.status === "draft" && !this.conflicted) {
      this.show(msg("unsaved"), "unsaved");
      this.autosaveTimer = setTimeout(function () { self.save(false); }, AUTOSAVE_MS);
    } else if (!this.conflicted) {
      this.show(msg("live-unsaved"), "unsaved");
    } else {
      this.show(msg("unsaved"), "conflict");
    }
  };

  // Saves through updateEdition. `deliberate` is a Save or Ctrl+S: after
  // a conflict it replaces the other version (which stays in the history).
  Edition.prototype.save = function (deliberate) {
    var self = this;
    // A save in flight finishes first; then this one looks again (a
    // deliberate save must still replace a conflicting version).
    if (this.saving) return this.saving.then(function () { return self.save(deliberate); });
    // Nothing new to save: no empty revision either.
    if (!this.dirty && !this.conflicted) {
      if (deliberate) this.show(msg("saved"), "saved");
      return Promise.resolve(true);
    }
    clearTimeout(this.autosaveTimer);
    if (this.conflicted && !deliberate) return Promise.resolve(false);
    var sent = this.fields();
    var start = this.conflicted
      ? this.serverCopy().then(function (copy) { return copy ? copy.revision : self.revision; })
      : Promise.resolve(this.revision);
    this.show(msg("saving"), "saving");
    this.saving = start.then(function (revision) {
      return api("PUT", "/api/v1/editions/" + self.id, {
        revision: revision,
        author_ids: self.authorIds(),
        edition: sent
      });
    }).then(function (answer) {
      if (answer.ok) return self.saved(answer.json, sent, deliberate);
      var code = answer.json && answer.json.error ? answer.json.error.code : String(answer.status);
      if (code !== "edit_conflict") {
        var message = answer.json && answer.json.error ? answer.json.error.message : code;
        self.show(msg("unsaved"), "error");
        say(msg("failed") + " (" + message + ")", "error");
        return false;
      }
      // A "conflict" with the very text being sent (a save made as the
      // last tab closed, say) is no conflict.
      return self.serverCopy().then(function (copy) {
        if (copy && sameText(copy, sent)) return self.saved(copy, sent, deliberate);
        self.conflicted = true;
        self.show(msg("unsaved"), "conflict");
        say(msg("conflict"), "error");
        return false;
      });
    }).catch(function () {
      self.show(msg("unsaved"), "error");
      say(msg("failed"), "error");
      return false;
    }).then(function (outcome) {
      self.saving = null;
      return outcome;
    });
    return this.saving;
  };

  // The server took `sent` and answered `edition` (its own copy of it).
  Edition.prototype.saved = function (edition, sent, deliberate) {
    this.revision = edition.revision;
    this.form.elements.revision.value = String(this.revision);
    this.element.setAttribute("data-revision", String(this.revision));
    this.conflicted = false;
    // Typing during the save keeps the edition dirty for the next one.
    // Compared with what was sent, not with the server's normalized copy,
    // so a text the server tidies (spaces, a slug) cannot loop.
    var now = this.fields();
    this.dirty = TEXT_FIELDS.concat(["comment_mode"]).some(function (name) { return now[name] !== sent[name]; });
    // The slug the server made from the headline, shown once it exists.
    if (!this.form.elements.slug.value) this.form.elements.slug.value = edition.slug;
    this.show(this.status === "draft" && !deliberate ? msg("draft-saved") : msg("saved"), "saved");
    say("");
    if (!this.dirty) this.forgetLocal();
    else this.changed();
    this.afterSave();
    return true;
  };

  // Translation status follows the save: ticked, this edition is now in
  // line with its siblings; not, they are behind it, and saving them next
  // will count as bringing them up to date (untick to say otherwise).
  Edition.prototype.afterSave = function () {
    var self = this;
    if (!this.syncBox) return;
    if (this.syncBox.checked) {
      var body = new URLSearchParams();
      body.set("csrf_token", token);
      fetch("/" + deskLang + "/admin/editions/" + this.id + "/synced", {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        body: body
      }).catch(function () { /* the button beside the status still does it */ });
      return;
    }
    editions.forEach(function (other) {
      if (other !== self && other.syncBox) other.syncBox.checked = true;
    });
  };

  // Whether the server's edition says what `fields` say, as the server
  // would store them: trimmed, one-line fields with single spaces.
  function sameText(edition, fields) {
    return TEXT_FIELDS.concat(["comment_mode"]).every(function (name) {
      var mine = (fields[name] || "").trim();
      if (name === "slug" && !mine) return true;
      if (name !== "body" && name !== "standfirst") mine = mine.split(/\s+/).join(" ");
      return (edition[name] || "") === mine;
    });
  }

  // The edition as the server has it now.
  Edition.prototype.serverCopy = function () {
    var self = this;
    return api("GET", "/api/v1/stories/" + storyId).then(function (answer) {
      return (answer.json.editions || []).filter(function (e) { return String(e.id) === self.id; })[0] || null;
    });
  };

  Edition.prototype.schedulePreview = function () {
    var self = this;
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(function () { self.renderPreview(); }, PREVIEW_MS);
  };

  Edition.prototype.renderPreview = function () {
    var self = this;
    var body = this.fields();
    body.story_id = parseInt(storyId, 10);
    body.lang = this.lang;
    body.author_ids = this.authorIds();
    api("POST", "/" + deskLang + "/admin/preview", body).then(function (answer) {
      if (!answer.ok) return;
      self.preview.hidden = false;
      self.frame.srcdoc = answer.json.html;
      var slug = self.form.elements.slug;
      var suggestion = answer.json.slug;
      if (!slug.readOnly && !slug.value && suggestion) slug.value = suggestion;
      var offer = !slug.readOnly && suggestion && slug.value !== suggestion && self.status === "draft";
      self.slugHint.hidden = !offer;
      if (offer) self.slugHint.querySelector("[data-slug-suggestion]").textContent = suggestion;
    });
  };

  // Text kept on this device that the server never received: offer it.
  Edition.prototype.offerRecovery = function () {
    var kept;
    try { kept = JSON.parse(localStorage.getItem(this.storageKey) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.fields) return;
    var now = this.fields();
    var differs = TEXT_FIELDS.some(function (name) { return (kept.fields[name] || "") !== now[name]; });
    if (!differs) { this.forgetLocal(); return; }
    var self = this;
    var box = document.createElement("div");
    box.className = "recovery";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    var when = new Date(kept.at);
    text.textContent = msg("recovered") + " (" + when.toLocaleString(deskLang) + ")";
    var use = document.createElement("button");
    use.type = "button";
    use.className = "primary-button";
    use.textContent = msg("recover");
    var drop = document.createElement("button");
    drop.type = "button";
    drop.className = "secondary-button";
    drop.textContent = msg("discard");
    use.addEventListener("click", function () {
      TEXT_FIELDS.forEach(function (name) {
        if (self.form.elements[name]) self.form.elements[name].value = kept.fields[name] || "";
      });
      // Saved from an older revision: the save will say so, not overwrite.
      if (kept.revision !== self.revision) self.conflicted = true;
      box.remove();
      self.changed();
    });
    drop.addEventListener("click", function () { self.forgetLocal(); box.remove(); });
    box.appendChild(text);
    box.appendChild(use);
    box.appendChild(drop);
    this.form.insertBefore(box, this.form.firstChild);
  };

  Edition.prototype.wire = function () {
    var self = this;
    // `input` also fires for selects and checkboxes; `change` would fire
    // again on leaving a field already saved, and save it once more.
    this.form.addEventListener("input", function (event) {
      // The up-to-date box is no text: it rides along with the next save.
      if (event.target !== self.syncBox) self.changed();
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.save(true);
    });
    var use = this.element.querySelector("[data-use-slug]");
    if (use) {
      use.addEventListener("click", function () {
        self.form.elements.slug.value = self.slugHint.querySelector("[data-slug-suggestion]").textContent;
        self.slugHint.hidden = true;
        self.changed();
      });
    }
    // Publishing, scheduling or marking it up to date first saves what
    // is typed.
    Array.prototype.forEach.call(this.element.querySelectorAll(".publish-form, .sync-form"), function (form) {
      form.addEventListener("submit", function (event) {
        if (!self.dirty) return;
        event.preventDefault();
        self.save(true).then(function (saved) { if (saved) form.submit(); });
      });
    });
  };

  // The body's toolbar: Markdown written for the editor, never a second
  // renderer (the preview is the server's). One tab stop, arrows move
  // along it (mirrored right to left), and each tool has its shortcut.
  function Toolbar(edition) {
    this.edition = edition;
    this.bar = edition.element.querySelector(".md-toolbar");
    this.area = edition.form.elements.body;
    this.dialog = edition.element.querySelector(".media-dialog");
  }

  Toolbar.prototype.buttons = function () {
    return Array.prototype.slice.call(this.bar.querySelectorAll("button"));
  };

  // Puts `text` in place of the selection, selects [from, to) of it, and
  // tells the form (autosave, preview) the body changed.
  Toolbar.prototype.replace = function (start, end, text, from, to) {
    var area = this.area;
    area.focus();
    area.setRangeText(text, start, end, "end");
    area.setSelectionRange(start + from, start + to);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  };

  // `**words**`, `*words*`, `[words](url)`: around the selection, or
  // around a placeholder left selected for typing over.
  Toolbar.prototype.wrap = function (before, after, placeholder) {
    var area = this.area;
    var start = area.selectionStart, end = area.selectionEnd;
    var inner = area.value.slice(start, end) || placeholder;
    this.replace(start, end, before + inner + after, before.length, before.length + inner.length);
  };

  // `## `, `> `, `- `, `1. ` at the start of every line the selection
  // touches; a second press takes it off again.
  Toolbar.prototype.prefix = function (kind) {
    var area = this.area;
    var value = area.value;
    var start = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    var endAt = value.indexOf("\n", area.selectionEnd);
    var end = endAt === -1 ? value.length : endAt;
    var lines = value.slice(start, end).split("\n");
    var pattern = { heading: /^## /, quote: /^> /, list: /^- /, numbered: /^\d+\. / }[kind];
    var all = lines.every(function (line) { return pattern.test(line); });
    var text = lines.map(function (line, i) {
      if (all) return line.replace(pattern, "");
      var bare = line.replace(/^(## |> |- |\d+\. )/, "");
      return ({ heading: "## ", quote: "> ", list: "- ", numbered: (i + 1) + ". " })[kind] + bare;
    }).join("\n");
    this.replace(start, end, text, text.length, text.length);
  };

  Toolbar.prototype.link = function () {
    var area = this.area;
    var selected = area.value.slice(area.selectionStart, area.selectionEnd);
    if (/^https?:\/\/\S+$/.test(selected)) return this.wrap("[", "](" + selected + ")", "");
    var url = window.prompt(this.dialog.getAttribute("data-link-prompt"), "https://");
    if (!url || url === "https://") { area.focus(); return; }
    this.wrap("[", "](" + url.trim() + ")", url.trim());
  };

  // An image on a paragraph of its own, its description as alt text.
  Toolbar.prototype.image = function (src, alt) {
    var area = this.area;
    var start = area.selectionStart;
    var before = area.value.slice(0, start);
    var gap = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var markdown = gap + "![" + (alt || "").replace(/[\[\]]/g, "") + "](" + src + ")\n\n";
    this.replace(start, area.selectionEnd, markdown, markdown.length, markdown.length);
  };

  Toolbar.prototype.run = function (tool, button) {
    switch (tool) {
      case "bold": return this.wrap("**", "**", "…");
      case "italic": return this.wrap("*", "*", "…");
      case "link": return this.link();
      case "heading": case "quote": case "list": case "numbered": return this.prefix(tool);
      case "embed": return this.image(button.getAttribute("data-src"), button.getAttribute("data-alt"));
      case "preview":
        this.edition.renderPreview();
        this.edition.preview.hidden = false;
        this.edition.preview.scrollIntoView({ block: "start" });
        return;
      case "image":
        // Where the caret was, kept for when a picture is chosen.
        this.caret = [this.area.selectionStart, this.area.selectionEnd];
        this.dialog.showModal();
        var first = this.dialog.querySelector("button");
        if (first) first.focus();
        return;
    }
  };

  Toolbar.prototype.wire = function () {
    var self = this;
    if (!this.bar) return;
    this.bar.hidden = false;
    var buttons = this.buttons();
    buttons.forEach(function (button, i) {
      button.tabIndex = i === 0 ? 0 : -1;
      // Pressing a tool must not take the selection away from the body.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { self.run(button.getAttribute("data-md"), button); });
    });
    this.bar.addEventListener("keydown", function (event) {
      var at = buttons.indexOf(document.activeElement);
      if (at === -1) return;
      var rtl = getComputedStyle(self.bar).direction === "rtl";
      var step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
      var to = event.key === "Home" ? 0 : event.key === "End" ? buttons.length - 1
        : step ? (at + step + buttons.length) % buttons.length : -1;
      if (to === -1) return;
      event.preventDefault();
      buttons[at].tabIndex = -1;
      buttons[to].tabIndex = 0;
      buttons[to].focus();
    });
    this.area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey)) return;
      // `code` is the key's place, so the shortcuts work on an Arabic
      // layout too.
      var tool = event.altKey
        ? (event.code === "Digit2" ? "heading" : null)
        : event.shiftKey
          ? { Digit7: "numbered", Digit8: "list", Digit9: "quote" }[event.code]
          : { KeyB: "bold", KeyI: "italic", KeyK: "link" }[event.code];
      if (!tool) return;
      event.preventDefault();
      self.run(tool);
    });
    if (!this.dialog) return;
    this.dialog.addEventListener("click", function (event) {
      var pick = event.target.closest(".media-insert");
      var close = event.target.closest("[data-close]");
      if (!pick && !close) return;
      self.dialog.close();
      if (pick) {
        self.area.setSelectionRange(self.caret[0], self.caret[1]);
        self.image(pick.getAttribute("data-src"), pick.getAttribute("data-alt"));
      }
    });
    this.dialog.addEventListener("close", function () { self.area.focus(); });
  };

  var editions = Array.prototype.map.call(
    root.querySelectorAll('.edition[data-editable="yes"]'),
    function (element) { return new Edition(element); }
  );
  editions.forEach(function (edition) {
    edition.wire();
    new Toolbar(edition).wire();
    edition.offerRecovery();
    edition.renderPreview();
  });

  // Publishing several editions at once first saves each one's text.
  var together = root.querySelector(".publish-together form");
  if (together) {
    together.addEventListener("submit", function (event) {
      var dirty = editions.filter(function (e) { return e.dirty || e.conflicted; });
      if (!dirty.length) return;
      event.preventDefault();
      Promise.all(dirty.map(function (e) { return e.save(true); })).then(function (saved) {
        if (saved.every(Boolean)) together.submit();
      });
    });
  }

  document.addEventListener("keydown", function (event) {
    // `code` is the key's place, so Ctrl+S works on an Arabic layout too.
    if ((event.ctrlKey || event.metaKey) && (event.code === "KeyS" || event.key === "s" || event.key === "S")) {
      event.preventDefault();
      var active = document.activeElement;
      var focused = editions.filter(function (e) { return e.element.contains(active); });
      (focused.length ? focused : editions.filter(function (e) { return e.dirty || e.conflicted; }))
        .forEach(function (edition) { edition.save(true); });
    }
  });

  // Leaving the page: drafts get one last save; everything typed is
  // already on this device.
  window.addEventListener("pagehide", function () {
    editions.forEach(function (edition) {
      if (!edition.dirty || edition.status !== "draft" || edition.conflicted) return;
      fetch("/api/v1/editions/" + edition.id, {
        method: "PUT",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
        body: JSON.stringify({ revision: edition.revision, author_ids: edition.authorIds(), edition: edition.fields() })
      });
    });
  });

  // Uploads into the media library, offered at once as the lead image.
  var upload = root.querySelector(".media-upload");
  if (upload) {
    upload.hidden = false;
    upload.querySelector("[data-upload]").addEventListener("click", function () {
      var file = upload.querySelector('input[type="file"]').files[0];
      if (!file) return;
      var data = new FormData();
      data.append("file", file);
      Array.prototype.forEach.call(upload.querySelectorAll("[data-alt]"), function (input) {
        data.append("alt_" + input.getAttribute("data-alt"), input.value);
      });
      say(msg("uploading"));
      fetch("/api/v1/media", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": token },
        body: data
      }).then(function (answer) {
        return answer.json().then(function (json) { return { ok: answer.ok, json: json }; });
      }).then(function (answer) {
        if (!answer.ok) {
          var reason = answer.json.error ? answer.json.error.message : "";
          say(msg("upload-failed").replace("%s", reason), "error");
          return;
        }
        var media = answer.json;
        var label = document.createElement("label");
        label.className = "media-choice";
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = "hero_image";
        radio.value = "/media/" + media.path;
        radio.checked = true;
        var image = document.createElement("img");
        var smallest = (media.variants || [])[0];
        image.src = "/media/" + (smallest ? smallest.path : media.path);
        image.alt = (media.texts && media.texts[deskLang] && media.texts[deskLang].alt) || "";
        image.width = 160;
        image.height = 90;
        label.appendChild(radio);
        label.appendChild(image);
        root.querySelector(".media-grid").prepend(label);
        say(msg("uploaded"));
      }, function () { say(msg("upload-failed").replace("%s", ""), "error"); });
    });
  }
})();
