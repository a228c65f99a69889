export type { TrainableModel, ModelShape, NamedVariable, ParamGroup } from './model-port.js';
