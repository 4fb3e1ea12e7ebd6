// The exported surface of the chip. Nothing else lives here.
export {
  crossbarInit,
  crossbarSetPreset,
  targetsBuffer,
  crossbarProgram,
  crossbarRead,
  crossbarReadGolden,
  conductancePtr,
  rectAbsSumRead,
  rectAbsSumProgrammed,
  conductanceFloatPtr,
} from './crossbar';
export { deviceInit, deviceSeed, deviceSample, deviceProgrammedPtr, deviceNuPtr, deviceReadPtr } from './device';
export { deriveSeed, rngFillGauss, rngNth } from './rng';
export {
  chipInit, programImage, programLoad, gdcBaseline, chipRead, chipSetBits, chipSetGdc, chipSetGdcMode, chipGdcAlpha,
  chipInputPtr, chipInputNonFinite, chipOutputPtr, chipOutputLength, chipCountersPtr, chipInfer, chipRunLayers, chipSetKernels,
} from './controller';
export { mvmSimd, mvmSimdFrom, mvmSimdStrided, mvmGolden, mvmScratch } from './mvm';
export { mvmImplicit, mvmImplicitFrom, codeAbsSum } from './mvm-implicit';
export { mvmLanes } from './mvm-lanes';
export { s2PackWeights, s2Transform, s2Gemms, s2Combine, s2Counts } from './winograd-s2';
export { winogradPackWeights, winogradTransform, winogradGemms, winogradCombine, winogradCounts, winogradVertical } from './winograd';
export { dacQuantize, adcQuantize, adcGain, muxCyclesPerPosition, adcsInUse, adcConvertRows, adcConvertPiece } from './converters';
export { scaleBnRelu, scaleBnReluMax, requantize } from './datapath';
export { sramBankPtr } from './sram';
