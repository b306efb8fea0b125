// Loaded as an external module so the Content-Security-Policy needs no unsafe-inline.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// Error summaries take focus in GOV.UK Frontend itself; copy buttons are ours.
for (const button of document.querySelectorAll("[data-copy-target]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const target = document.getElementById(button.dataset.copyTarget);
    if (!target) return;
    try {
      await navigator.clipboard.writeText(target.value ?? target.textContent.trim());
      button.textContent = button.dataset.copiedText || "Copied";
    } catch {
      button.textContent = "Select the link and copy it";
    }
  });
}
