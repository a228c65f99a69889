export { quickstart, type QuickstartOptions } from './quickstart.js';
