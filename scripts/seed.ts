// Placeholder demo seed until the worker runtime lands.
console.log('[drover] seed: nothing to seed yet');
