/**
 * Alarms and dashboard: an error alarm per handler, HTTP 5xx, WebSocket integration/execution errors,
 * running SFU tasks against the room cap; the dashboard shows errors, 5xx, live connections and
 * running SFU tasks.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LIVE_CONNECTIONS_METRIC } from '../../lib/metrics.ts';
import { eventHandlers, httpRoutes, scheduledJobs, wsRoutes } from '../../lib/routes.ts';
import { resourcesOf, type SynthesizedApp, synthApp } from './synthApp.ts';

let synth: SynthesizedApp;
let monitoring: Template;
beforeAll(() => {
  synth = synthApp();
  monitoring = synth.template(synth.stacks.monitoring);
});
afterAll(() => synth?.cleanup());

const alarms = () => Object.values(resourcesOf(monitoring, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties ?? {});

/** `Namespace/MetricName` of every metric an alarm watches (single metric or metric math). */
function metricsOf(alarm: Record<string, unknown>): string[] {
  if (alarm.MetricName) return [`${String(alarm.Namespace)}/${String(alarm.MetricName)}`];
  return ((alarm.Metrics ?? []) as { MetricStat?: { Metric: { Namespace: string; MetricName: string } } }[])
    .filter((m) => m.MetricStat)
    .map((m) => `${m.MetricStat!.Metric.Namespace}/${m.MetricStat!.Metric.MetricName}`);
}

it('alarms on the errors of every handler', () => {
  const names = [...httpRoutes, ...wsRoutes, ...scheduledJobs, ...eventHandlers].map((r) => r.name);
  const errorAlarms = alarms().filter((a) => metricsOf(a).join() === 'AWS/Lambda/Errors');
  expect(errorAlarms).toHaveLength(names.length);
  for (const alarm of errorAlarms) expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
});

it('alarms on HTTP 5xx, WebSocket errors and the room cap', () => {
  const watched = alarms().map((a) => metricsOf(a).sort().join());
  expect(watched).toContain('AWS/ApiGateway/5xx');
  expect(watched).toContain('AWS/ApiGateway/ExecutionError,AWS/ApiGateway/IntegrationError');
  expect(alarms().find((a) => metricsOf(a).join() === 'ECS/ContainerInsights/RunningTaskCount')).toMatchObject({ Threshold: synth.settings.maxRooms });
});

it('has a dashboard with handler errors, 5xx, live connections and running SFU tasks', () => {
  const dashboards = Object.values(resourcesOf(monitoring, 'AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = JSON.stringify(dashboards[0]?.Properties?.DashboardBody);
  for (const text of ['Handler errors', '5xx', LIVE_CONNECTIONS_METRIC, 'ConnectCount', 'RunningTaskCount', synth.stacks.sfu.clusterName]) expect(body).toContain(text);
});

it('has no notification topic unless alarmEmail is set', () => {
  expect(Object.keys(resourcesOf(monitoring, 'AWS::SNS::Topic'))).toEqual([]);
});
