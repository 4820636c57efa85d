// GOV.UK Frontend's components, started once the page has loaded (no inline script: the
// Content-Security-Policy allows scripts from this site only).
import { initAll } from "./govuk-frontend.min.js";
document.body.classList.add("govuk-frontend-supported");
initAll();
