/**
 * Scoring a stream's detections against where its keywords are (demo/README.md's rule): a detection is
 * correct when it names a keyword clip's label and comes after the clip's start and at most `lateS`
 * (1 s) after its end; each clip is heard at most once. The demo uses it to mark what it gets wrong.
 */
import type { DetectionEvent } from './detector.js';

/** One clip laid into a stream: its label and where it lies, in seconds. */
export interface StreamClip {
  readonly startS: number;
  readonly endS: number;
  readonly label: string;
}

/** A detection's verdict: the clip it heard, or null (a false accept). */
export interface JudgedDetection {
  readonly detection: DetectionEvent;
  readonly clip: StreamClip | null;
}

/** How late after a clip's end a detection may still count (the window must have passed the word). */
export const DETECTION_LATE_S = 1;

/** Judges detections one at a time, in stream order; `missed()` lists the keyword clips never heard. */
export class StreamJudge {
  private readonly heard = new Set<StreamClip>();

  /** `keywords`: the labels a detection can name (other clips, e.g. `_unknown_`, must not fire). */
  constructor(
    readonly clips: readonly StreamClip[],
    private readonly keywords: ReadonlySet<string>,
    private readonly lateS = DETECTION_LATE_S,
  ) {}

  judge(d: DetectionEvent): JudgedDetection {
    const clip = this.clips.find((c) => !this.heard.has(c) && c.label === d.keyword && d.timeS > c.startS && d.timeS <= c.endS + this.lateS) ?? null;
    if (clip) this.heard.add(clip);
    return { detection: d, clip };
  }

  missed(): StreamClip[] {
    return this.clips.filter((c) => this.keywords.has(c.label) && !this.heard.has(c));
  }
}
