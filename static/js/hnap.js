// Starts GOV.UK Frontend's components. Loaded as a module, so only browsers it supports run it.
import { initAll } from "../build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
