// GET …/jobs/{id}/returnvalue?limit= — like …/data, for the return value.
import { jobFieldRoute } from '@/lib/jobs/job-field-route';

export const GET = jobFieldRoute('returnvalue');
