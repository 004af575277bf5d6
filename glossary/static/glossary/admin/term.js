/* Live preview of a term's Markdown definition.
 *
 * The server renders it (the same safe renderer as the concept pages), so
 * what the editor sees is what readers will see. A static file because the
 * site's Content-Security-Policy allows no inline scripts.
 */
"use strict";
(function () {
  function setup() {
    const source = document.querySelector("textarea.kb-markdown-source");
    const preview = document.querySelector(".kb-markdown-preview");
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!source || !preview || !token) {
      return;
    }
    let timer = null;
    let sent = 0;
    function render() {
      // The term's id: the page leaves its own label unlinked, as here.
      const body = new URLSearchParams({ text: source.value, term: preview.dataset.term || "" });
      const number = ++sent;
      fetch(preview.dataset.previewUrl, {
        method: "POST",
        headers: { "X-CSRFToken": token.value },
        body: body,
        credentials: "same-origin",
      })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          if (number === sent) {
            preview.innerHTML = html || "Nothing written yet.";
          }
        })
        .catch(() => {
          preview.classList.add("kb-preview-failed");
        });
    }
    source.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
