// Plotly's own Play/Pause buttons and frame slider are SVG shapes a keyboard can't reach.
// This makes each one focusable, named and operable: Enter or Space presses a button; the
// arrow keys, Home and End move the slider a frame (it animates the figure to that frame).
(() => {
  const enhance = (gd) => {
    gd.querySelectorAll(".updatemenu-button").forEach((button) => {
      if (button.dataset.keys) return;
      button.dataset.keys = "1";
      const words = button.textContent.replace(/[\u25b6\u275a]/g, "").trim();
      button.setAttribute("tabindex", "0");
      button.setAttribute("role", "button");
      button.setAttribute("aria-label", words || "Pause");
      button.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      });
    });
    // Plotly rebuilds its full layout on every redraw: always read the slider afresh
    const sliderAt = (index) => ((gd._fullLayout && gd._fullLayout.sliders) || [])[index];
    gd.querySelectorAll(".slider-container").forEach((element, index) => {
      if (!sliderAt(index)) return;
      const say = () => {
        const slider = sliderAt(index);
        const step = slider.steps[slider.active] || {};
        const current = slider.currentvalue || {};
        element.setAttribute("aria-valuenow", String(slider.active));
        element.setAttribute("aria-valuetext", `${current.prefix || ""}${step.label || ""}${current.suffix || ""}`);
      };
      say();
      if (element.dataset.keys) return;
      element.dataset.keys = "1";
      const slider = sliderAt(index);
      element.setAttribute("tabindex", "0");
      element.setAttribute("role", "slider");
      element.setAttribute("aria-label", ((slider.currentvalue || {}).prefix || "Frame").trim());
      element.setAttribute("aria-valuemin", "0");
      element.setAttribute("aria-valuemax", String(slider.steps.length - 1));
      element.addEventListener("keydown", (event) => {
        const slider = sliderAt(index);
        const last = slider.steps.length - 1;
        const moves = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 5, PageDown: -5 };
        let target = null;
        if (event.key in moves) target = Math.min(last, Math.max(0, slider.active + moves[event.key]));
        if (event.key === "Home") target = 0;
        if (event.key === "End") target = last;
        if (target === null) return;
        event.preventDefault();
        const step = slider.steps[target];
        window.Plotly.animate(gd, step.args[0], step.args[1]).then(say);
      });
    });
  };
  const enhanceAll = () => document.querySelectorAll(".js-plotly-plot").forEach((gd) => {
    if (gd._fullLayout) enhance(gd);
  });
  if (!window.hingePlotKeys) {
    window.hingePlotKeys = enhanceAll;
    let queued = false;
    new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; enhanceAll(); });
    }).observe(document.body, { childList: true, subtree: true });
  }
  enhanceAll();
})();
