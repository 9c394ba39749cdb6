import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

// Created once per container. Locally the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB, which the SDK reads itself.
export const dynamodb = new DynamoDBClient({});
