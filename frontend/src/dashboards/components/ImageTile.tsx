/** Image: an https URL, a path on this server or a data:image URI (the server refuses anything else). */
export default function ImageTile({ src, alt }: { src: string; alt?: string | null }) {
  return (
    <div className="image-tile">
      <img src={src} alt={alt ?? ""} referrerPolicy="no-referrer" />
    </div>
  );
}
