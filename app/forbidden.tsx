import { Link } from '@/components/ui/link';

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center">
      <p className="text-sm font-semibold text-red-600">403</p>
      <h1 className="mt-2 text-xl font-semibold">Your role does not allow this page</h1>
      <p className="mt-2 text-sm text-zinc-500">Ask an admin for a higher role if you need it.</p>
      <Link href="/" className="mt-6 inline-block text-sm text-indigo-600 hover:underline">
        Back to the overview
      </Link>
    </main>
  );
}
