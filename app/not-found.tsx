import { Link } from '@/components/ui/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center">
      <p className="text-sm font-semibold text-zinc-500">404</p>
      <h1 className="mt-2 text-xl font-semibold">Nothing here</h1>
      <Link href="/" className="mt-6 inline-block text-sm text-indigo-600 hover:underline">
        Back to the overview
      </Link>
    </main>
  );
}
