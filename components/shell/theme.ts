// The colour theme: dark by default, light on request, remembered per browser in localStorage.
// The root layout runs THEME_BOOT_SCRIPT before the page paints, so a light-theme user never sees
// a flash of the dark one; the toggle in the sidebar changes it afterwards.
export type Theme = "dark" | "light";

export const THEME_STORAGE_KEY = "tidewatch-theme";
export const DEFAULT_THEME: Theme = "dark";

/** Inline in <head>: applies the saved theme to <html data-theme>. Storage may be blocked; then the default stays. */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;
