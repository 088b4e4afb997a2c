/** Text: paragraphs separated by blank lines, rendered as plain text (no HTML is ever interpreted). */
export default function TextTile({ text }: { text: string }) {
  return (
    <div className="text-tile">
      {text.split(/\n\s*\n/).map((p, i) => (
        <p key={i}>{p}</p>
      ))}
    </div>
  );
}
