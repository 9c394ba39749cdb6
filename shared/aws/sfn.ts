import { SFNClient } from '@aws-sdk/client-sfn';

// Locally AWS_ENDPOINT_URL_SFN points at the local Step Functions endpoint of the local runtime.
export const sfn = new SFNClient({});
