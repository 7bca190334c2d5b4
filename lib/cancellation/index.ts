// Cancelling active jobs across processes over drover:cancel:<prefix>:<queue> (see lib/keys.ts).
export { cancelRequestSchema, cancelAckSchema, cancelModeSchema, cancellationReason, type CancelRequest, type CancelAck, type CancelMode } from './cancel-request';
export { requestJobCancel, type RequestJobCancelInput, type RequestJobCancelResult } from './request-job-cancel';
export { listenForCancelRequests, type CancelListener } from './listen-for-cancel-requests';
