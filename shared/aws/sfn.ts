/**
 * The Step Functions client, created once per container on first use (see s3.ts for why lazily).
 * Locally AWS_ENDPOINT_URL_SFN points at the local Step Functions endpoint of the local runtime.
 */
type SfnSdk = typeof import('@aws-sdk/client-sfn');

let loading: Promise<{ sdk: SfnSdk; client: InstanceType<SfnSdk['SFNClient']> }> | undefined;

export function sfn() {
  loading ??= import('@aws-sdk/client-sfn').then((sdk) => ({ sdk, client: new sdk.SFNClient({}) }));
  return loading;
}
