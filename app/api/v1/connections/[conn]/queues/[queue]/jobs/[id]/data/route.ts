// GET …/jobs/{id}/data?limit= — up to `limit` bytes (default 256 KB) with the full size; ?raw=1 downloads it all.
import { jobFieldRoute } from '@/lib/jobs/job-field-route';

export const GET = jobFieldRoute('data');
