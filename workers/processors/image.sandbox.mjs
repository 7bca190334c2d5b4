// BullMQ sandbox entry of the image processor. The child process starts without loader flags, so it
// loads the TypeScript processor through tsx's API here (scoped to this import, not process-wide).
import { tsImport } from 'tsx/esm/api';

const { default: processImage } = await tsImport('./image.ts', import.meta.url);

export default processImage;
