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
// hx-trigger="…, autosave" is sent that often while it has unsaved typing.
(function () {
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var seconds = parseInt(form.dataset.autosave, 10) || 30;
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    // A failed save (the site busy or restarting) stays unsaved: the next tick tries again.
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful) { dirty = false; }
    });
    window.setInterval(function () {
      if (dirty && window.htmx) { window.htmx.trigger(form, "autosave"); }
    }, seconds * 1000);
  });
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
