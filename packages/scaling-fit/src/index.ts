export { createFitRng, type FitRng } from './rng.js';
export { huber, huberDerivative } from './huber.js';
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult, type LbfgsStopReason, type ObjectiveWithGradient } from './lbfgs.js';
export { toParametricData, subsetParametricData, type ParametricPoint, type ParametricData } from './parametric-data.js';
export {
  fitApproach3, fitApproach3Data, approach3Objective, chinchillaGrid, lawFromTheta, centreParametricData, shiftTheta,
  type ParametricLaw, type Approach3Result, type Approach3Options,
} from './approach3.js';
export { fitApproach3Mle, approach3MleObjective, huberLogNormaliser, HOFFMANN_THETA, type Approach3MleResult, type Approach3MleOptions } from './approach3-mle.js';
export { computeOptimal, allocationExponents, parametricLoss, type ComputeOptimal } from './compute-optimal.js';
export { flopsPerTokenMethod1, flopsPerTokenMethod2, trainingCompute, type Method1Shape } from './compute.js';
export { resolveRun, resolveRuns, dropTopLoss, type ScalingRun, type ResolvedRun, type RunIssue, type LossCurve } from './runs.js';
export { parseCsv, parseJsonl, runsFromRecords, DEFAULT_COLUMNS, type TableRecord, type ColumnMapping } from './table-readers.js';
export { lossAtTokens, fitCurveModel, fitCurveModelThroughEma, evalCurveModel, type CurveModel, type CurveReadMethod } from './loss-curve.js';
export { fitQuadratic, evalQuadratic, type QuadraticFit } from './quadratic.js';
export { fitLinear, type LinearFit } from './ols.js';
export { studentTQuantile, studentTCdf } from './student-t.js';
export { fitPowerLaw, evalPowerLaw, type PowerLawFit, type PowerLawOptions } from './power-law.js';
export { bootstrap, quantileSorted, type BootstrapOptions, type BootstrapResult, type Interval } from './bootstrap.js';
export { isoflopAnalysis, analyseBudget, parabolaCurve, SIZE_AXES, type SizeAxis, type IsoflopOptions, type IsoflopBudget, type IsoflopPoint, type IsoflopParabola } from './isoflop.js';
export { fitFrontier, frontierPlotData, type FrontierFit, type FrontierIssue, type FrontierOptions, type FrontierQuantity, type FrontierSource } from './frontier.js';
export { pooledRelativeSpread, runNoiseIntervals, type RunNoiseOptions, type RunNoiseResult } from './run-noise.js';
export { fitBatchSizeLaw, fitLearningRateLaw, tokensToTarget, type HyperparameterLaw, type HyperparameterVertex } from './hyperparameter-laws.js';
export { fitIsoLossHyperbola, isoLossSteps, type IsoLossFit } from './iso-loss.js';
export { fitStudy, type FitStudyOptions, type StudyFit, type ExponentRow, type ParametricMethod, type TokenFrontier, type JointFit } from './fit-study.js';
export { studyMarkdown, studyJson, formatInterval } from './study-markdown.js';
export { fitApproach3VarPro, bootstrapApproach3VarPro, runNoiseApproach3VarPro, type VarProPoint, type VarProOptions, type VarProFit, type VarProBootstrap } from './approach3-varpro.js';
