// The --vscode-* variables VS Code injects into webviews, for the themes the harness shows:
// Dark Modern, Light Modern and High Contrast (dark). Values from VS Code 1.100 defaults.
export type ThemeName = 'dark' | 'light' | 'hc';

const common = {
  'font-family': '-apple-system, BlinkMacSystemFont, "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': '"DejaVu Sans Mono", Menlo, Consolas, monospace',
  'editor-font-size': '13px',
};

const dark: Record<string, string> = {
  foreground: '#cccccc', descriptionForeground: '#9d9d9d', errorForeground: '#f85149', focusBorder: '#0078d4', 'icon-foreground': '#cccccc',
  'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', 'sideBar-background': '#181818', 'editorWidget-background': '#202020',
  'widget-border': '#313131', 'panel-border': '#2b2b2b', 'widget-shadow': 'rgba(0, 0, 0, 0.36)',
  'textLink-foreground': '#4daafc', 'textCodeBlock-background': '#2b2b2b',
  'badge-background': '#616161', 'badge-foreground': '#f8f8f8',
  'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-border': '#ffffff12',
  'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
  'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c', 'input-placeholderForeground': '#989898',
  'settings-textInputBackground': '#313131', 'settings-textInputForeground': '#cccccc', 'settings-textInputBorder': '#3c3c3c',
  'settings-dropdownBackground': '#313131', 'settings-dropdownForeground': '#cccccc', 'settings-dropdownBorder': '#3c3c3c', 'settings-dropdownListBorder': '#454545',
  'settings-checkboxBackground': '#313131', 'settings-checkboxForeground': '#cccccc', 'settings-checkboxBorder': '#3c3c3c',
  'checkbox-background': '#313131', 'checkbox-border': '#3c3c3c', 'checkbox-foreground': '#cccccc',
  'dropdown-background': '#313131', 'dropdown-border': '#3c3c3c', 'dropdown-foreground': '#cccccc',
  'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff', 'list-inactiveSelectionBackground': '#37373d',
  'list-focusOutline': '#0078d4', 'list-highlightForeground': '#2aaaff', 'list-focusHighlightForeground': '#2aaaff', 'list-hoverForeground': '#ffffff',
  'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
  'menu-background': '#1f1f1f', 'menu-foreground': '#cccccc', 'menu-border': '#454545', 'menu-selectionBackground': '#0078d4', 'menu-selectionForeground': '#ffffff',
  'inputValidation-errorBorder': '#be1100', 'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-warningBorder': '#b89500', 'inputValidation-infoBorder': '#007acc',
  'charts-foreground': '#cccccc', 'charts-lines': 'rgba(204, 204, 204, 0.5)', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff', 'charts-yellow': '#cca700',
  'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7', 'terminal-ansiMagenta': '#bc3fbc', 'terminal-ansiCyan': '#11a8cd',
  'testing-iconPassed': '#73c991', 'editorWarning-foreground': '#cca700', 'progressBar-background': '#0078d4', 'scrollbarSlider-background': 'rgba(121, 121, 121, 0.4)',
};

const light: Record<string, string> = {
  ...dark,
  foreground: '#3b3b3b', descriptionForeground: '#717171', errorForeground: '#f85149', focusBorder: '#005fb8', 'icon-foreground': '#3b3b3b',
  'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', 'sideBar-background': '#f8f8f8', 'editorWidget-background': '#f8f8f8',
  'widget-border': '#e5e5e5', 'panel-border': '#e5e5e5', 'widget-shadow': 'rgba(0, 0, 0, 0.16)',
  'textLink-foreground': '#005fb8', 'textCodeBlock-background': '#f3f3f3',
  'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b',
  'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-border': '#0000001a',
  'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
  'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece', 'input-placeholderForeground': '#767676',
  'settings-textInputBackground': '#ffffff', 'settings-textInputForeground': '#3b3b3b', 'settings-textInputBorder': '#cecece',
  'settings-dropdownBackground': '#ffffff', 'settings-dropdownForeground': '#3b3b3b', 'settings-dropdownBorder': '#cecece', 'settings-dropdownListBorder': '#c8c8c8',
  'settings-checkboxBackground': '#f8f8f8', 'settings-checkboxForeground': '#3b3b3b', 'settings-checkboxBorder': '#cecece',
  'checkbox-background': '#f8f8f8', 'checkbox-border': '#cecece', 'checkbox-foreground': '#3b3b3b',
  'dropdown-background': '#ffffff', 'dropdown-border': '#cecece', 'dropdown-foreground': '#3b3b3b',
  'list-hoverBackground': '#f2f2f2', 'list-activeSelectionBackground': '#e8e8e8', 'list-activeSelectionForeground': '#000000', 'list-inactiveSelectionBackground': '#e4e6f1',
  'list-focusOutline': '#005fb8', 'list-highlightForeground': '#0066bf', 'list-focusHighlightForeground': '#0066bf', 'list-hoverForeground': '#000000',
  'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
  'menu-background': '#ffffff', 'menu-foreground': '#3b3b3b', 'menu-border': '#cecece', 'menu-selectionBackground': '#005fb8', 'menu-selectionForeground': '#ffffff',
  'inputValidation-errorBorder': '#be1100', 'inputValidation-errorBackground': '#f2dede', 'inputValidation-warningBorder': '#bf8803', 'inputValidation-infoBorder': '#1a85ff',
  'charts-foreground': '#616161', 'charts-lines': 'rgba(97, 97, 97, 0.5)', 'charts-red': '#e51400', 'charts-blue': '#1a85ff', 'charts-yellow': '#bf8803',
  'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90', 'terminal-ansiMagenta': '#bc05bc', 'terminal-ansiCyan': '#0598bc',
  'testing-iconPassed': '#388a34', 'editorWarning-foreground': '#bf8803', 'progressBar-background': '#005fb8',
};

const hc: Record<string, string> = {
  ...dark,
  foreground: '#ffffff', descriptionForeground: '#ffffff', errorForeground: '#f48771', focusBorder: '#f38518',
  'editor-background': '#000000', 'editor-foreground': '#ffffff', 'sideBar-background': '#000000', 'editorWidget-background': '#0c141f',
  'widget-border': '#6fc3df', 'panel-border': '#6fc3df', contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518',
  'textLink-foreground': '#21a6ff', 'textCodeBlock-background': '#000000',
  'badge-background': '#000000', 'badge-foreground': '#ffffff',
  'button-background': '#000000', 'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff',
  'input-background': '#000000', 'input-border': '#6fc3df', 'settings-textInputBackground': '#000000', 'settings-textInputBorder': '#6fc3df',
  'settings-dropdownBackground': '#000000', 'settings-dropdownBorder': '#6fc3df', 'settings-checkboxBackground': '#000000', 'settings-checkboxBorder': '#6fc3df',
  'checkbox-background': '#000000', 'checkbox-border': '#6fc3df',
  'list-hoverBackground': '#000000', 'list-inactiveSelectionBackground': '#000000', 'list-focusOutline': '#f38518',
  'charts-foreground': '#ffffff', 'charts-lines': 'rgba(255, 255, 255, 0.5)', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff', 'charts-yellow': '#ffd700',
  'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7', 'testing-iconPassed': '#89d185',
};

const themes: Record<ThemeName, Record<string, string>> = { dark, light, hc };

export const bodyClass: Record<ThemeName, string> = { dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' };

/** `--vscode-x: value;` declarations for the html element, as VS Code sets them. */
export function themeStyle(theme: ThemeName): string {
  return Object.entries({ ...common, ...themes[theme] })
    .map(([k, v]) => `--vscode-${k}: ${v};`)
    .join(' ');
}
