// The binary layout of a loaded layer program in WASM memory, and of the per-layer counters.
// ONE source for both sides: this file is valid AssemblyScript (the controller reads with it) and
// valid TypeScript (host/chip/program-image.ts writes with it). Plain integer constants only.
//
// Image = 32-bit words: header | layer records | piece records | float arrays (scale, offset).
// Integer fields are i32; fields marked (f32) hold float32 bits. Word indices are from the image start.

export const PROGRAM_MAGIC = 0x43494d41; // 'AMIC'
export const PROGRAM_VERSION = 1;

// Header (HEADER_WORDS words).
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_LAYERS = 2;
export const H_PIECES = 3;
export const H_ABS_S = 4; // (f32) |S|, the global ADC gain
export const H_IN_BANK = 5;
export const H_IN_OFFSET = 6;
export const H_IN_H = 7;
export const H_IN_W = 8;
export const H_IN_C = 9;
export const H_IN_SIGNED = 10;
export const H_IN_RDAC = 11; // (f32)
export const H_LAYER_BASE = 12; // word index of layer 0's record
export const H_PIECE_BASE = 13; // word index of piece 0's record
export const HEADER_WORDS = 16;

// Layer record (LAYER_WORDS words).
export const KIND_CONV = 0;
export const KIND_DEPTHWISE = 1;
export const KIND_DENSE = 2;

export const L_KIND = 0;
export const L_KH = 1; // dense: in.h (a dense layer reads its whole input as one kh×kw window)
export const L_KW = 2; // dense: in.w
export const L_STRIDE = 3;
export const L_PAD_TOP = 4;
export const L_PAD_LEFT = 5;
export const L_IN_H = 6;
export const L_IN_W = 7;
export const L_IN_C = 8;
export const L_GRID_H = 9; // output positions before pooling
export const L_GRID_W = 10;
export const L_C_MAT = 11; // matrix columns = channels the array produces
export const L_C_OUT = 12; // channels after the residual add (≥ C_MAT when the skip is wider)
export const L_RELU = 13;
export const L_POOL = 14;
export const L_SRC_BANK = 15;
export const L_SRC_OFFSET = 16;
export const L_SRC_SIGNED = 17;
export const L_DST_BANK = 18; // −1: last layer, float logits
export const L_DST_OFFSET = 19;
export const L_DST_SIGNED = 20;
export const L_RES_BANK = 21; // −1: no residual
export const L_RES_OFFSET = 22;
export const L_RES_SIGNED = 23;
export const L_RES_C = 24;
export const L_RDAC = 25; // (f32)
export const L_RADC = 26; // (f32)
export const L_DST_RDAC = 27; // (f32)
export const L_RES_RDAC = 28; // (f32)
export const L_FIRST_PIECE = 29;
export const L_PIECES = 30;
export const L_SCALE_WORD = 31; // word index of scale[C_MAT] (f32)
export const L_OFFSET_WORD = 32; // word index of offset[C_MAT] (f32)
export const LAYER_WORDS = 36;

// Piece record (PIECE_WORDS words).
export const P_TILE = 0;
export const P_ROW = 1;
export const P_COL = 2;
export const P_ROWS = 3;
export const P_COLS = 4;
export const P_ROW_START = 5;
export const P_COL_START = 6;
// Row replication (an option, off by default): the piece's rows hold P_COPIES stacked copies of its
// matrix rows (P_ROWS = copies × matrix rows), each copy driven by the same DAC codes; the ADC takes
// the column charge ÷ copies. 0 or 1: one copy (every image written before the option reads as 1).
export const P_COPIES = 7;
export const MAX_COPIES = 8;
export const PIECE_WORDS = 8;

// Per-layer counters: COUNTER_FIELDS f64 per layer, in the order of host/chip/counters.ts.
export const C_ARRAY_CYCLES = 0;
export const C_ACTIVE_ROW_CYCLES = 1;
export const C_ACTIVE_ADC_CYCLES = 2;
export const C_ADC_CONVERSIONS = 3;
export const C_DAC_PULSES = 4;
export const C_DAC_PULSES_FULL_SCALE = 5;
export const C_MACS = 6;
export const C_SRAM_BYTES_READ = 7;
export const C_SRAM_BYTES_WRITTEN = 8;
export const C_DIGITAL_OPS = 9;
export const COUNTER_FIELDS = 10;

// Status codes of programLoad (host turns them into errors; the host validates first, so these are bugs).
export const LOAD_OK = 0;
export const LOAD_BAD_MAGIC = 1;
export const LOAD_BAD_GEOMETRY = 2;
export const LOAD_BAD_BUFFER = 3;
export const LOAD_BAD_PIECE = 4;

export const SRAM_BANK_BYTES = 65536; // 64 KB: the one bank size (chip, validator, SRAM planner)

// GDC modes of chipSetGdcMode (contracts.md §4). Digital: α scales the ADC codes in the datapath (the
// paper's chip). Analog: α scales the bit-line signal before the ADC, a per-layer analog gain the paper's
// chip does not have (one shared S): an option, off by default.
export const GDC_DIGITAL = 0;
export const GDC_ANALOG = 1;
