// cipcert's progressive enhancements: every page works without them.
(function () {
	"use strict";

	// After a refused form, move focus to the list of errors so that it is
	// read first, and the keyboard starts from there.
	function focusErrors() {
		var box = document.getElementById("erreurs");
		if (box) { box.focus(); }
	}

	// « Copier le code »: copy buttons name the text to copy with
	// data-copier="id of the element"; they are hidden until the browser
	// can copy.
	function setupCopy(root) {
		if (!navigator.clipboard) { return; }
		root.querySelectorAll("[data-copier]").forEach(function (btn) {
			btn.hidden = false;
			btn.addEventListener("click", function () {
				var src = document.getElementById(btn.getAttribute("data-copier"));
				if (!src) { return; }
				navigator.clipboard.writeText(src.textContent.trim()).then(function () {
					var status = document.getElementById(btn.getAttribute("aria-describedby"));
					if (status) { status.textContent = "Code copié."; }
				});
			});
		});
	}

	document.addEventListener("DOMContentLoaded", function () {
		focusErrors();
		setupCopy(document);
	});
	document.addEventListener("htmx:afterSwap", function (e) {
		setupCopy(e.target);
	});
})();
