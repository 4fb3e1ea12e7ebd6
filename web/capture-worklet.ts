/**
 * The page's AudioWorklet: collects the microphone's samples (channels averaged) into chunks of 2048 and
 * posts each to the page, which hands them to the KWS worker. Nothing else runs on the audio thread.
 */

// The AudioWorklet global scope (not in TypeScript's DOM library).
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  abstract process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;
declare const sampleRate: number;

const CHUNK = 2048;

class CaptureProcessor extends AudioWorkletProcessor {
  private chunk = new Float32Array(CHUNK);
  private filled = 0;

  override process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const n = channels[0]!.length;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (const c of channels) s += c[i]!;
      this.chunk[this.filled++] = s / channels.length;
      if (this.filled === CHUNK) {
        this.port.postMessage({ samples: this.chunk, sampleRate }, [this.chunk.buffer]);
        this.chunk = new Float32Array(CHUNK);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('aon-cim-capture', CaptureProcessor);
