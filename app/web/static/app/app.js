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
	// data-copier="id of the element" (and data-copie, the message once
	// copied, when it is not a code); they are hidden until the browser
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
					if (status) { status.textContent = btn.getAttribute("data-copie") || "Code copié."; }
				});
			});
		});
	}

	// The candidat form shows only the sections of the parcours chosen.
	// Hidden sections are disabled too, so that nothing typed there is sent.
	function setupParcours(root) {
		var radios = root.querySelectorAll('input[name="parcours"]');
		var sections = root.querySelectorAll("fieldset[data-parcours]");
		if (!radios.length || !sections.length) { return; }
		function update() {
			var chosen = root.querySelector('input[name="parcours"]:checked');
			sections.forEach(function (s) {
				var show = !chosen || s.getAttribute("data-parcours").split(" ").indexOf(chosen.value) >= 0;
				s.hidden = !show;
				s.disabled = !show;
			});
		}
		radios.forEach(function (r) { r.addEventListener("change", update); });
		update();
	}

	// The jury's entry form, built for the end of a long day: focus starts
	// on the presence; the entretien final and the decisions show only for
	// a candidat present; the motifs of a decision show, required, when it
	// is « non acquis » (so that Tab goes from one decision to the next);
	// Enter on a choice saves and opens the next candidat. Hidden parts are
	// disabled too, so that nothing hidden is sent.
	function setupSaisie(root) {
		var form = root.querySelector("form[data-saisie]");
		if (!form) { return; }
		function update() {
			var p = form.querySelector('input[name="presence"]:checked');
			var present = !p || p.value === "present";
			form.querySelectorAll("[data-si-present]").forEach(function (el) {
				el.hidden = !present;
				el.querySelectorAll("input, textarea").forEach(function (i) { i.disabled = !present; });
			});
			form.querySelectorAll("[data-motifs]").forEach(function (box) {
				var d = form.querySelector('input[name="decision-' + box.getAttribute("data-motifs") + '"]:checked');
				var on = present && !!d && d.value === "non_acquis";
				box.hidden = !on;
				box.querySelectorAll("textarea").forEach(function (t) { t.disabled = !on; t.required = on; });
			});
		}
		form.addEventListener("change", update);
		// Enter may submit twice (the browser's own implicit submission
		// and ours): the second would cancel the first request.
		form.addEventListener("submit", function (e) {
			if (form.getAttribute("data-envoye")) { e.preventDefault(); return; }
			form.setAttribute("data-envoye", "1");
		});
		window.addEventListener("pageshow", function () { form.removeAttribute("data-envoye"); });
		form.addEventListener("keydown", function (e) {
			if (e.key === "Enter" && e.target.tagName === "INPUT") {
				e.preventDefault();
				form.requestSubmit();
			}
		});
		update();
		if (!document.getElementById("erreurs")) {
			var first = form.querySelector('input[name="presence"]:checked') || form.querySelector('input[name="presence"]');
			if (first) { first.focus(); }
		}
	}

	document.addEventListener("DOMContentLoaded", function () {
		setupSaisie(document);
		setupParcours(document);
		focusErrors();
		setupCopy(document);
	});
	document.addEventListener("htmx:afterSwap", function (e) {
		setupCopy(e.target);
	});
})();
