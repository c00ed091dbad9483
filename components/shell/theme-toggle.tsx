"use client";
// A real toggle button ("Light theme", pressed or not) that switches <html data-theme> and remembers
// the choice. The page was already painted in the saved theme by the root layout's boot script.
import { useEffect, useState } from "react";
import { DEFAULT_THEME, THEME_STORAGE_KEY, type Theme } from "./theme";

export function ThemeToggle() {
  // null until mounted: the server cannot know the saved theme, so the button's state is read from the page
  const [theme, setTheme] = useState<Theme | null>(null);

  useEffect(() => {
    setTheme(document.documentElement.dataset.theme === "light" ? "light" : DEFAULT_THEME);
  }, []);

  const toggle = () => {
    const next: Theme = theme === "light" ? "dark" : "light";
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // storage blocked (private mode, policy): the theme still applies to this page
    }
    setTheme(next);
  };

  return (
    <button
      type="button"
      className="button button-small theme-toggle"
      aria-pressed={theme === "light"}
      onClick={toggle}
      disabled={theme === null}
      data-testid="theme-toggle"
    >
      Light theme
    </button>
  );
}
