import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { anyOccurrenceAlarm } from './alarms.ts';

export interface MailSendingProps {
  /** The From address of every email (config senderAddress); its domain becomes the SES identity. */
  readonly senderAddress: string;
  /** Bounces, complaints and rejections alarm here. */
  readonly alarmTopic: sns.ITopic;
}

/** The sending events that mean an email did not reach a person, each with the alarm that says so. */
const UNDELIVERED = [
  { event: ses.EmailSendingEvent.BOUNCE, metric: 'Bounce', what: 'an email bounced (a person in a people directory has an address that does not receive mail)' },
  { event: ses.EmailSendingEvent.COMPLAINT, metric: 'Complaint', what: 'a recipient marked an email as spam' },
  { event: ses.EmailSendingEvent.REJECT, metric: 'Reject', what: 'SES rejected an email (virus scan)' },
  { event: ses.EmailSendingEvent.RENDERING_FAILURE, metric: 'RenderingFailure', what: 'SES could not render an email' },
] as const;

/** The auto-tag SES puts on every message sent through a configuration set: the set's name. */
const CONFIGURATION_SET_TAG = 'ses:configuration-set';

/**
 * SES sending for the platform's emails (docs/email.md): the sender's domain as an SES identity with Easy DKIM
 * (2048-bit keys that SES rotates; the deployer publishes the three CNAME records the identity lists), and a
 * configuration set that every send names: TLS required to the receiving server, reputation metrics, suppression of
 * addresses that bounced or complained, and bounce, complaint, reject and rendering-failure counts published to
 * CloudWatch (by configuration set only: no address or message reaches a metric or an alarm), each alarming on its
 * first occurrence.
 */
export class MailSending extends Construct {
  readonly senderAddress: string;
  readonly domain: string;
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;

  constructor(scope: Construct, id: string, props: MailSendingProps) {
    super(scope, id);
    const domain = props.senderAddress.split('@')[1];
    if (!domain) throw new Error(`senderAddress "${props.senderAddress}" has no domain`);
    this.senderAddress = props.senderAddress;
    this.domain = domain;

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const name = this.configurationSet.configurationSetName;
    this.configurationSet.addEventDestination('Undelivered', {
      destination: ses.EventDestination.cloudWatchDimensions([{ name: CONFIGURATION_SET_TAG, source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: name }]),
      events: UNDELIVERED.map((u) => u.event),
    });
    for (const u of UNDELIVERED) {
      const metric = new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: u.metric, dimensionsMap: { [CONFIGURATION_SET_TAG]: name }, statistic: 'Sum', period: Duration.minutes(5) });
      anyOccurrenceAlarm(this, `${u.metric}Alarm`, metric, `mail: ${u.what}`, props.alarmTopic);
    }

    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(domain),
      // Messages that name no configuration set still get this one's TLS policy, suppression and events.
      configurationSet: this.configurationSet,
      dkimSigning: true,
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
    });
  }

  /** ARN of the configuration set (SendEmail with a configuration set is authorized on it too). */
  get configurationSetArn(): string {
    return Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName });
  }
}
