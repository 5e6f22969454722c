/**
 * Alarms and a dashboard: handler errors (one alarm per function), HTTP API 5xx, WebSocket API
 * integration/execution errors, live connections, running SFU tasks (Container Insights) against the
 * room cap. Alarms notify an e-mail address when `alarmEmail` is set.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi, WebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { acknowledge } from '../nag.ts';
import type { Construct } from 'constructs';
import { LIVE_CONNECTIONS_METRIC, METRICS_NAMESPACE } from '../metrics.ts';
import type { Settings } from '../settings.ts';

export interface MonitoringStackProps extends StackProps {
  readonly settings: Settings;
  /** Every handler, by its lib/routes.ts name. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly httpApi: HttpApi;
  readonly webSocketApi: WebSocketApi;
  readonly webSocketStage: string;
  readonly clusterName: string;
}

const PERIOD = Duration.minutes(5);

export class MonitoringStack extends Stack {
  readonly alarms: IAlarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { settings } = props;

    const topic = settings.alarmEmail ? new Topic(this, 'AlarmTopic', { displayName: `${settings.stackPrefix} alarms`, enforceSSL: true }) : undefined;
    if (topic) {
      topic.addSubscription(new EmailSubscription(settings.alarmEmail));
      acknowledge(topic, [
        { id: 'AwsSolutions-SNS2', reason: 'Carries alarm state changes only (no customer data); an AWS-managed SNS key cannot be used by CloudWatch alarms.' },
      ]);
    }
    const alarm = (a: Alarm) => {
      if (topic) a.addAlarmAction(new SnsAction(topic));
      this.alarms.push(a);
      return a;
    };

    const handlerErrors = Object.entries(props.functions).map(([name, fn]) => {
      const errors = fn.metricErrors({ period: PERIOD, statistic: Stats.SUM, label: name });
      alarm(
        new Alarm(this, `${name}Errors`, {
          alarmDescription: `${name} threw or timed out (a handler must answer every input with a status, never throw)`,
          metric: errors,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
      return errors;
    });

    const http5xx = props.httpApi.metricServerError({ period: PERIOD, statistic: Stats.SUM, label: 'HTTP 5xx' });
    const http4xx = props.httpApi.metricClientError({ period: PERIOD, statistic: Stats.SUM, label: 'HTTP 4xx' });
    alarm(
      new Alarm(this, 'Http5xx', {
        alarmDescription: 'The HTTP API answered 5xx (handler failures or integration errors)',
        metric: http5xx,
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const ws = (metricName: string, label: string, statistic: string = Stats.SUM) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.webSocketApi.apiId, Stage: props.webSocketStage },
        period: PERIOD,
        statistic,
        label,
      });
    const wsErrors = new MathExpression({
      expression: 'integration + execution',
      usingMetrics: { integration: ws('IntegrationError', 'integration errors'), execution: ws('ExecutionError', 'execution errors') },
      period: PERIOD,
      label: 'WebSocket 5xx (integration + execution errors)',
    });
    alarm(
      new Alarm(this, 'WebSocketErrors', {
        alarmDescription: 'The WebSocket API failed to run route handlers (integration or execution errors)',
        metric: wsErrors,
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const runningTasks = new Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: props.clusterName },
      period: Duration.minutes(1),
      statistic: Stats.MAXIMUM,
      label: 'running SFU tasks',
    });
    alarm(
      new Alarm(this, 'RoomCapReached', {
        alarmDescription: `Running SFU tasks reached the room cap (maxRooms = ${settings.maxRooms}) for 15 minutes: createRoom answers 429`,
        metric: runningTasks,
        threshold: settings.maxRooms,
        evaluationPeriods: 15,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const liveConnections = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: LIVE_CONNECTIONS_METRIC,
      period: Duration.minutes(1),
      statistic: Stats.MAXIMUM,
      label: 'live connections',
    });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${settings.stackPrefix}-overview` });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: `# ${settings.stackPrefix}\nHandlers, APIs, signaling connections and SFU tasks.`, width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Handler errors', left: handlerErrors, width: 8, stacked: true }),
      new GraphWidget({ title: 'HTTP API responses', left: [http5xx, http4xx], width: 8 }),
      new GraphWidget({ title: 'WebSocket API errors', left: [wsErrors, ws('ClientError', 'client errors (4xx)')], width: 8 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Live connections',
        left: [liveConnections],
        right: [ws('ConnectCount', 'connects / 5 min'), ws('MessageCount', 'messages / 5 min')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Running SFU tasks (rooms)',
        left: [runningTasks],
        leftAnnotations: [{ value: settings.maxRooms, label: 'room cap' }],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
  }
}
