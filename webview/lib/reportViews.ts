// The report's building blocks as pure view functions (vnode trees): the live report renders
// them to DOM with listeners attached, the HTML export serialises them without any.
// Each group of views lives in its own module; this one gathers them for the report, the
// compare panel and the HTML export.
export * from './reportChips';
export * from './metricCardsView';
export * from './chartCardsView';
export * from './configurationTableView';
export * from './itemDetailView';
