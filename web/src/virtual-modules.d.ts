/** The elements' names from the catalogue, per UI language (web/element-labels.ts). */
declare module 'virtual:element-labels' {
  const labels: import('../../src/core/catalogue/element-labels.ts').ElementLabels;
  export default labels;
}
