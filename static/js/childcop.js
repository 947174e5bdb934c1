// childcop's own small scripts, loaded on every page (deferred). The Content-Security-Policy
// allows no inline script, handler attribute or eval: behaviour hangs on data- attributes.

// A filter box for long multi-selects (e.g. attendees).
(function () {
  document.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "Type to filter…";
    box.setAttribute("aria-label", "Filter the list " + (select.labels[0] ? select.labels[0].textContent.trim() : ""));
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    var count = document.createElement("div");
    count.className = "form-text";
    count.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(count, select.nextSibling);
    function update() {
      var chosen = select.selectedOptions.length;
      count.textContent = chosen + " chosen";
    }
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = needle !== "" && option.text.toLowerCase().indexOf(needle) === -1 && !option.selected;
      });
    });
    select.addEventListener("change", update);
    update();
  });
})();

// Health check answers: show each slider's value beside it as it moves; moving it unticks
// "Can't say", ticking "Can't say" puts it back to 0 (without this script the form still
// works: the server asks when a moved slider still has "Can't say" ticked).
(function () {
  document.querySelectorAll("input[type=range][data-output]").forEach(function (slider) {
    var output = document.getElementById(slider.dataset.output);
    var scale = document.getElementById(slider.id + "_scale");
    var box = document.getElementById(slider.dataset.cantSayBox);
    function show() {
      var unsure = box && box.checked;
      output.textContent = unsure ? "can't say" : slider.value;
      scale.hidden = unsure;
      if (unsure) { slider.setAttribute("aria-valuetext", "Can't say"); }
      else { slider.removeAttribute("aria-valuetext"); }
    }
    slider.addEventListener("input", function () {
      if (box) { box.checked = false; }
      show();
    });
    if (box) {
      box.addEventListener("change", function () {
        if (box.checked) { slider.value = 0; }
        show();
      });
    }
  });
})();

// Print buttons on the printable pages; "Go back" links (the 403 page).
(function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.history.back();
    });
  });
})();

// Autosave (value-creation stories): a form with data-autosave="<seconds>" and
// hx-trigger="…, autosave" is sent that often while it has unsaved typing (and by htmx two
// seconds after typing stops). Typing not yet saved when the page is hidden (another tab)
// is saved then; when the person leaves the page (a link, back, closing the tab) it is
// sent as the page goes. Nothing typed is lost, and one story is one draft: the first
// save names the new draft (its id comes back into the form), so a page leaving while it
// is on its way sends nothing more.
(function () {
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var seconds = parseInt(form.dataset.autosave, 10) || 30;
    var edits = 0;      // typing so far
    var saved = 0;      // … of which saved
    var sending = null; // … of which a save on its way holds, or null
    var submitting = false;
    function dirty() { return edits > saved; }
    function draftNamed() {
      var id = form.querySelector("[name=story_id]");
      return !id || id.value !== "";
    }
    form.addEventListener("input", function () { edits += 1; });
    form.addEventListener("submit", function () { submitting = true; });
    form.addEventListener("htmx:beforeRequest", function () { sending = edits; });
    // A failed save (the site busy or restarting) stays unsaved: the next tick tries again.
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful && sending !== null) { saved = Math.max(saved, sending); }
      sending = null;
    });
    window.setInterval(function () {
      if (dirty() && sending === null && window.htmx) { window.htmx.trigger(form, "autosave"); }
    }, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty() && !submitting && sending === null
          && window.htmx) {
        window.htmx.trigger(form, "autosave");
      }
    });
    window.addEventListener("pagehide", function () {
      var url = form.getAttribute("hx-post");
      if (!dirty() || submitting || !url || !navigator.sendBeacon) { return; }
      if (sending !== null && !draftNamed()) { return; }  // the first save is on its way
      if (navigator.sendBeacon(url, new FormData(form))) { saved = edits; }
    });
  });
})();

// The error summary (templates/includes/error_summary.html): it takes focus when the page
// opens, and each of its links moves focus to its field, the field's label in view.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    (legend || label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();

// Logging an activity: choosing a rhythm session fills what the activity takes from it
// (the server does the same for what is left empty), and the attendee checklist gets a
// filter box, "Select everyone invited" (members on the activity's date), "Clear" and a
// live count. Enter in the filter box ticks the member it found.
(function () {
  var form = document.querySelector("form[data-activity-form]");
  if (!form) { return; }
  var session = form.querySelector("select[name='session']");
  var fields = { date: "date", time: "start_time", title: "title", activityType: "activity_type", format: "format", channel: "channel" };
  var filled = {};
  function option() { return session && session.selectedOptions[0]; }
  if (session) {
    Object.keys(fields).forEach(function (key) {
      var input = form.elements[fields[key]];
      if (input && option() && option().dataset[key] === input.value) { filled[key] = input.value; }
    });
    session.addEventListener("change", function () {
      Object.keys(fields).forEach(function (key) {
        var input = form.elements[fields[key]];
        var value = option() ? option().dataset[key] : undefined;
        if (!input || value === undefined) { return; }
        if (input.value === "" || input.value === filled[key]) { input.value = value; filled[key] = value; }
      });
    });
  }
  form.querySelectorAll("[data-checklist]").forEach(function (fieldset) {
    var tools = fieldset.querySelector(".checklist-tools");
    var boxes = Array.prototype.slice.call(fieldset.querySelectorAll("ul input[type='checkbox']"));
    var count = fieldset.querySelector("[data-checklist-count]");
    var filter = fieldset.querySelector(".checklist-filter");
    tools.hidden = false;
    function update() {
      var chosen = boxes.filter(function (box) { return box.checked; }).length;
      count.textContent = chosen + " of " + boxes.length + " chosen";
    }
    function shown() { return boxes.filter(function (box) { return !box.closest("li").hidden; }); }
    function narrow() {
      var needle = filter.value.trim().toLowerCase();
      boxes.forEach(function (box) {
        box.closest("li").hidden = needle !== "" && box.labels[0].textContent.toLowerCase().indexOf(needle) === -1;
      });
    }
    filter.addEventListener("input", narrow);
    filter.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var found = shown();
      if (filter.value.trim() !== "" && found.length) {
        found[0].checked = !found[0].checked;
        filter.value = "";
        narrow();
        update();
      }
    });
    fieldset.querySelector("[data-check='invited']").addEventListener("click", function () {
      var date = form.elements.date ? form.elements.date.value : "";
      boxes.forEach(function (box) {
        if (!date || !box.dataset.joined || box.dataset.joined <= date) { box.checked = true; }
      });
      update();
    });
    fieldset.querySelector("[data-check='none']").addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = false; });
      update();
    });
    fieldset.addEventListener("change", update);
    update();
  });
})();

// A table wider than the screen scrolls inside its own region: the region is named after the
// table (its caption, or the heading above it) and can be scrolled from the keyboard.
(function () {
  function label(region) {
    var caption = region.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var before = region.previousElementSibling;
    while (before && !/^H[1-6]$/.test(before.tagName)) { before = before.previousElementSibling; }
    return before ? before.textContent.trim() : "Table";
  }
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (region) {
      // a region the page named itself is left as it is
      if (region.hasAttribute("role") && !region.hasAttribute("data-scroll-marked")) { return; }
      if (region.scrollWidth > region.clientWidth + 1) {
        region.setAttribute("data-scroll-marked", "");
        region.setAttribute("role", "region");
        region.setAttribute("tabindex", "0");
        region.setAttribute("aria-label", label(region) + " (scrolls sideways)");
      } else if (region.hasAttribute("data-scroll-marked")) {
        region.removeAttribute("data-scroll-marked");
        region.removeAttribute("role");
        region.removeAttribute("tabindex");
        region.removeAttribute("aria-label");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
  document.body.addEventListener("htmx:afterSettle", mark);
})();

// Security keys and passkeys (signing in with one, adding one): allauth's WebAuthn scripts
// are static files; a button with data-webauthn="<allauth's form function>" is hooked to it,
// naming the hidden credential field, the passkey box and the JSON data block it reads.
(function () {
  var forms = window.allauth && window.allauth.webauthn && window.allauth.webauthn.forms;
  document.querySelectorAll("button[data-webauthn]").forEach(function (button) {
    var hook = forms && forms[button.dataset.webauthn];
    if (!hook) { button.disabled = true; return; }
    hook({ ids: {
      authenticate: button.id,
      add: button.id,
      credential: button.dataset.webauthnCredential,
      passwordless: button.dataset.webauthnPasswordless || undefined,
      data: button.dataset.webauthnData
    } });
  });
})();

// A notification marked read in place: its line is swapped, so the keyboard's focus (on the
// button that went away) moves to the line's link.
document.body.addEventListener("htmx:afterSwap", function (event) {
  var line = event.detail.target;
  if (line && line.matches && line.matches("[data-notification]")) {
    var link = document.querySelector("#" + line.id + " a");
    if (link) link.focus();
  }
});

// Error summary (GOV.UK pattern): on a failed submit, focus moves to the summary at the top.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();

// An htmx request that fails (the site busy or being restarted: 503; the network gone)
// swaps nothing: say so at the top of the page instead of failing silently.
(function () {
  function notice(text) {
    var main = document.getElementById("main");
    if (!main) { return; }
    var old = document.getElementById("request-failed");
    if (old) { old.remove(); }
    var box = document.createElement("div");
    box.id = "request-failed";
    box.className = "alert alert-danger";
    box.setAttribute("role", "alert");
    box.textContent = text;
    main.insertBefore(box, main.firstChild);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    notice(status === 503
      ? "childcop is busy or being restarted: that was not saved. Try again in a minute."
      : "Something went wrong: that was not saved. Reload the page and try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    notice("childcop could not be reached: that was not saved. Check your connection and try again.");
  });
})();
