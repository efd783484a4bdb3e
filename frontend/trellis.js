// Progressive enhancement: GOV.UK Frontend components. Every page works without this file.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
