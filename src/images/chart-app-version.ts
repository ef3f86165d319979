// A chart's `appVersion` (Chart.yaml): the tag its templates give an image whose values name none
// (`{{ .Values.image.tag | default .Chart.AppVersion }}`).
import { parse } from 'yaml';

export function appVersionOf(chartYaml: string | undefined): string | undefined {
  if (chartYaml === undefined) return undefined;
  try {
    const chart = parse(chartYaml, { maxAliasCount: 10 }) as { appVersion?: unknown } | null;
    const version = chart?.appVersion;
    return typeof version === 'string' || typeof version === 'number' ? String(version).trim() || undefined : undefined;
  } catch {
    return undefined;
  }
}
