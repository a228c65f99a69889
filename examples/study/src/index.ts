export { runTinyStudy, TINY_STUDY, type TinyStudyOptions } from './tiny-study.js';
