/**
 * The UI's look: calm, dense, readable in six scripts, and with text contrast of at least 4.5:1
 * (WCAG 2.2 AA), which Mantine's default primary shade and dimmed grey do not reach on white.
 */
import { type CSSVariablesResolver, createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", "Noto Sans SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif',
  defaultRadius: 'sm',
  focusRing: 'auto',
  cursorType: 'pointer',
  components: {
    // Links are underlined so they stand out from the text around them without colour (WCAG 1.4.1).
    Anchor: { defaultProps: { underline: 'always' } },
    // A banner is a note, not an alert: Mantine's default role="alert" made every banner on a
    // screen interrupt a screen reader each time the screen loaded. Errors that follow an action
    // say role="alert" themselves (components/ProblemAlert.tsx).
    Alert: { defaultProps: { role: 'note' } },
    // Number fields without Mantine's small stacked up/down buttons (about 12 px tall each, under
    // the 24 px target of WCAG 2.5.8): a number is typed, and the arrow keys still step it.
    NumberInput: { defaultProps: { hideControls: true } },
    // A spinner is named ("Checking…") as an image: an aria-label on a bare <span> is not announced
    // and is not allowed (axe aria-prohibited-attr).
    Loader: { defaultProps: { role: 'img' } },
    // A badge says a state in the words of the sentence around it ("Acknowledged", "Verified"):
    // Mantine's capitals made them harder to read in Latin and Cyrillic scripts, and meant nothing
    // in Arabic and Chinese.
    Badge: { defaultProps: { tt: 'none' } },
    Table: { defaultProps: { verticalSpacing: 6, horizontalSpacing: 'sm' } },
    // Every menu opens with the focus on its first item (not on a hidden placeholder), its items
    // reachable with Tab as well as the arrow keys, and gives the focus back to its button on close.
    Menu: {
      defaultProps: {
        withInitialFocusPlaceholder: false,
        menuItemTabIndex: 0,
        loop: true,
        returnFocus: true,
      },
    },
  },
});

/** Mantine's dimmed grey (#868e96) is 3.3:1 on white; gray.7 reaches 7:1. Its error red (#fa5252) is 3.3:1; red.9 is over 5:1. */
export const cssVariablesResolver: CSSVariablesResolver = (mantineTheme) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': mantineTheme.colors.gray[7] ?? '#495057',
    '--mantine-color-placeholder': mantineTheme.colors.gray[7] ?? '#495057',
    '--mantine-color-error': mantineTheme.colors.red[9] ?? '#c92a2a',
    // Borders of inputs, selects and cards: Mantine's gray.4 (#ced4da) is 1.5:1 on white; gray.6 is 3.3:1 (WCAG 1.4.11).
    '--mantine-color-default-border': mantineTheme.colors.gray[6] ?? '#868e96',
    // Text of light yellow and orange alerts (their titles: "Your session has ended"): Mantine's
    // light shades reach 2.7:1 on their pale backgrounds; these reach 7:1 (WCAG 1.4.3).
    '--mantine-color-yellow-light-color': '#6b4200',
    '--mantine-color-orange-light-color': '#8a3300',
    // Text of light teal and red badges (the audit log's outcomes): Mantine's teal reaches 4.3:1
    // on its pale background; these reach 7.4:1 and 5:1.
    '--mantine-color-teal-light-color': '#05573f',
    '--mantine-color-red-light-color': '#a61e1e',
    // Text of light blue buttons, badges and alerts: Mantine's blue.9 is 4.0:1 on the background a
    // light button takes under the pointer (blue.2); this is 5.1:1 there and 6.2:1 at rest.
    '--mantine-color-blue-light-color': '#145591',
  },
  dark: {},
});
