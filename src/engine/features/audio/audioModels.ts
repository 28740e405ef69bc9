import { SessionCache, type EngineOptions } from '../../sessions';
import { instrumentAudio, loadAudioClassifier, type AudioClassifier, type InstrumentedAudio } from '../../runners/audioClassifier';

/**
 * Loads and caches audio classifiers and their instrumented twins, for Inspect Audio and the
 * cross-modal map alike (one engine holds each model once); the text models' caches never see them.
 */
export class AudioModels {
  private readonly classifiers = new SessionCache<AudioClassifier>(2);
  private readonly twins = new SessionCache<InstrumentedAudio>(2);

  constructor(
    private readonly options: () => EngineOptions,
    private readonly cacheDir: () => string,
  ) {}

  load(model: string): Promise<AudioClassifier> {
    const o = this.options();
    return this.classifiers.get(`${model}|${o.provider}|${o.threads}|${o.variant ?? ''}`, () => loadAudioClassifier(model, o));
  }

  twin(c: AudioClassifier): Promise<InstrumentedAudio> {
    return this.twins.get(`${c.folder.onnxPath}|${this.options().threads}`, () => instrumentAudio(c, this.cacheDir()));
  }

  async releaseAll(): Promise<void> {
    await Promise.all([
      this.classifiers.releaseAll((c) => c.loaded.session.release()),
      this.twins.releaseAll(async (m) => {
        for (const s of m.sessions.values()) await (await s).release();
      }),
    ]);
  }
}
